#!/usr/bin/env python3
"""Independent reference for the report conformance suite.

Computes every report of docs/reports.md from the fixture files in fixture/ (tenant "default")
and fixture/other/ (tenant "other") at the pinned time NOW, and writes the results to
expected/ and expected/other/. It shares no code with the engine: it reads the fixture files
directly and follows docs/reports.md (and the seed's sections 3, 5, 6.2, 7, 8, 9) rule by
rule, so the expected files are derived from the rules, not from the program's output.

    python3 tests/conformance/reference.py           # rewrite expected/
    python3 tests/conformance/reference.py --check   # exit 1 if expected/ is stale

Conventions of the expected files (read by conformance_test.cc):
  * a report that returns a list is a JSON array, one object per row, in the report's order;
    a report that returns one object (campaign-gaps, weekly-metrics) is that object;
  * a row lists the fields the test checks; rows that echo a whole exposure (triage) list a
    subset of the exposure's columns;
  * "$absent": [names] in a row lists fields the row must NOT carry;
  * nested objects (metadata, open_exposures, tool_coverage) must match exactly.

Every rounding is Python's round(x, n), as docs/reports.md says. `checked_round` refuses a
value that lies within 1e-6 of a rounding tie without being exactly one, because such a value
could round either way depending on the order of floating-point operations; the fixture is
chosen so that this never happens (exact ties such as 57.125 or 3.25 are deliberate: they pin
the half-to-even rule).
"""

import csv
import json
import math
import sys
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixture"
EXPECTED = HERE / "expected"

NOW = datetime(2026, 11, 23, 7, 0, 0, tzinfo=timezone.utc)

# Every table `ctem load` accepts, in load order.
TABLES = [
    "edge_node_telemetry", "orbital_api_logs", "partner_api_logs", "opcua_telemetry",
    "cicd_audit", "model_registry", "alerts", "ctem_exposures", "ctem_validations",
    "ctem_remediations",
]
TIMESTAMP_COLUMNS = {"ts", "created_at", "updated_at", "sla_deadline", "assigned_date",
                     "fix_deployed_date", "verified_date"}
BOOLEAN_COLUMNS = {"mtls_verified", "exploitable", "physical_consequence_demonstrated",
                   "detection_evaded", "sla_breached"}
NUMBER_COLUMNS = {"cpu_utilisation", "sensor_count", "protocol_violations",
                  "exploitability_score", "ctem_score"}

RANK = {"CRITICAL": 4, "HIGH": 3, "MEDIUM": 2, "LOW": 1}
SEVERITIES_BY_RANK = ["CRITICAL", "HIGH", "MEDIUM", "LOW"]
OPEN_STATUSES = ("Open", "InProgress")

# seed section 8.4, KNOWN_TECHNIQUES
KNOWN_TECHNIQUES = [
    ("AML.T0020", "TM-01", "Poison Training Data"),
    ("AML.T0043", "TM-03/06/08", "Craft Adversarial Data"),
    ("AML.T0015", "TM-07/17", "Evade ML Model"),
    ("AML.T0044", "TM-04/11", "Full ML Model Access"),
    ("AML.T0044.001", "TM-12", "Query-Based Model Extraction"),
    ("AML.T0051", "TM-10", "LLM Prompt Injection"),
    ("AML.T0054", "TM-10", "LLM Jailbreak"),
    ("AML.T0029", "TM-09/14", "Denial of ML Service"),
    ("AML.T0010", "TM-05/15", "ML Supply Chain Compromise"),
    ("AML.T0018", "TM-05", "Backdoor ML Model"),
    ("AML.T0035.001", "TM-04", "Physical Access to ML Model"),
    ("AML.T0035.002", "TM-11", "Insider Access to ML Model"),
    ("AML.T0014", "TM-20", "Discover ML Model Ontology"),
    ("AML.T0024", "TM-13", "Infer Training Data Membership"),
    ("AML.T0048.003", "TM-02", "Exploit via Model-Serving Interface"),
]

RED_TEAM_TYPES = ("manual_red_team", "adversarial_ml", "full_campaign")

# The official ATLAS 5.6 names of the techniques the fixture and KNOWN_TECHNIQUES reach
# (data/atlas/ATLAS.yaml, copied by hand). An ID missing here counts as not in ATLAS, so a
# fixture row with a new real ATLAS ID needs its name added.
ATLAS_NAMES = {
    "AML.T0010": "AI Supply Chain Compromise",
    "AML.T0013": "Discover AI Model Ontology",
    "AML.T0015": "Evade AI Model",
    "AML.T0018": "Manipulate AI Model",
    "AML.T0020": "Poison Training Data",
    "AML.T0024.000": "Infer Training Data Membership",
    "AML.T0024.002": "Extract AI Model",
    "AML.T0029": "Denial of AI Service",
    "AML.T0040": "AI Model Inference API Access",
    "AML.T0043": "Craft Adversarial Data",
    "AML.T0044": "Full AI Model Access",
    "AML.T0049": "Exploit Public-Facing Application",
    "AML.T0051": "LLM Prompt Injection",
    "AML.T0054": "LLM Jailbreak",
}
# docs/formats/atlas.md, "Every seed ID": the loose and non-standard rows, as
# (seed ID, emitting source_tool or None for any) -> (official ID, kind).
ATLAS_SEED_ROWS = {
    ("AML.T0044", "IBM_ART"): ("AML.T0024.002", "loose"),
    ("AML.T0024", None): ("AML.T0024.000", "loose"),
    ("AML.T0044.001", None): ("AML.T0024.002", "non_standard"),
    ("AML.T0035.001", None): ("AML.T0044", "non_standard"),
    ("AML.T0035.002", None): ("AML.T0044", "non_standard"),
    ("AML.T0014", None): ("AML.T0013", "loose"),
    ("AML.T0048.003", None): ("AML.T0049", "loose"),
}


# ---------------------------------------------------------------------------------------------
# Helpers


def parse_ts(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)


def fmt_ts(t):
    """YYYY-MM-DDTHH:MM:SS.mmmZ, or None."""
    if t is None:
        return None
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def within(t, window, now=NOW):
    """The reports' windows: now - window < t <= now."""
    return t is not None and now - window < t <= now


def hours_between(later, earlier):
    # Millisecond timestamps: an exact integer count of ms divided by 3,600,000.
    return ((later - earlier) // timedelta(milliseconds=1)) / 3_600_000.0


def checked_round(x, ndigits):
    scaled = Decimal(x) * (Decimal(10) ** ndigits)
    frac = scaled - scaled.to_integral_value(rounding="ROUND_FLOOR")
    if frac != Decimal("0.5") and abs(frac - Decimal("0.5")) < Decimal("1e-6"):
        raise ValueError(f"{x!r} is within 1e-6 of a rounding tie at {ndigits} digits; "
                         "adjust the fixture")
    return round(x, ndigits)


def r1(x):
    return float(checked_round(x, 1))


def fmt0(x):
    """Python f'{x:.0f}' (the seed's hours in alert titles), guarded like checked_round."""
    checked_round(x, 0)
    return f"{x:.0f}"


def pct(numerator, denominator):
    """numerator * 100 / denominator, round 1; None when the denominator is 0."""
    return None if denominator == 0 else r1(numerator * 100.0 / denominator)


def load_table(directory, table):
    jsonl = directory / f"{table}.jsonl"
    csv_path = directory / f"{table}.csv"
    rows = []
    if jsonl.exists():
        with open(jsonl, encoding="utf-8") as f:
            rows = [json.loads(line) for line in f if line.strip()]
    elif csv_path.exists():
        with open(csv_path, encoding="utf-8", newline="") as f:
            for raw in csv.DictReader(f):
                row = {}
                for k, v in raw.items():
                    if k in BOOLEAN_COLUMNS:
                        row[k] = {"true": True, "false": False}[v]
                    elif k in NUMBER_COLUMNS:
                        row[k] = float(v)
                    elif k in ("detection_rules_tested", "detection_gaps"):
                        row[k] = json.loads(v)
                    else:
                        row[k] = v
                rows.append(row)
    for row in rows:
        for k in list(row):
            if k in TIMESTAMP_COLUMNS and row[k] is not None:
                row[k] = parse_ts(row[k])
    if table == "ctem_exposures":
        for row in rows:
            row.setdefault("sla_deadline", None)
            row.setdefault("created_at", row["ts"])  # `ctem load`: created_at defaults to ts
    return rows


def load_tenant(directory):
    return {t: load_table(directory, t) for t in TABLES}


# ---------------------------------------------------------------------------------------------
# assets / new-assets (seed 3.1, 3.2; erratum 14)


def api_zone(ep):
    if "demo" in ep or "partner" in ep:
        return "Zone4_External"
    if "nl-query" in ep:
        return "Zone2_Operations"
    return "Zone3_Enterprise"


def api_risk(ep):
    if "inference" in ep or "predict" in ep:
        return "Critical"
    if "nl-query" in ep:
        return "High"
    return "Medium"


def latest(rows, column):
    return max(rows, key=lambda r: r["ts"])[column]


def edge_meta(rows):
    return {"avg_cpu": float(checked_round(sum(r["cpu_utilisation"] for r in rows) / len(rows), 2)),
            "model_hash": latest(rows, "model_weight_hash")}


def partner_meta(rows):
    verified = sum(1 for r in rows if r["mtls_verified"])
    return {"partner_name": rows[0]["partner_name"],
            "mtls_rate": r1(verified * 100.0 / max(len(rows), 1))}


# (table, window, asset id of a row, asset_type, zone(id), risk(id), ctem_scope, metadata(rows))
ASSET_SOURCES = [
    ("edge_node_telemetry", timedelta(days=7), lambda r: r["edge_node_id"], "EdgeInferenceNode",
     lambda a: "Zone1_EdgeInference", lambda a: "Critical", "AI/ML Assets + Infrastructure Assets",
     edge_meta),
    ("orbital_api_logs", timedelta(days=7), lambda r: r["endpoint"], "APIEndpoint",
     api_zone, api_risk, "Integration Assets",
     lambda rows: {"total_requests": len(rows)}),
    ("partner_api_logs", timedelta(days=7), lambda r: r["partner_id"], "PartnerIntegration",
     lambda a: "Zone4_External", lambda a: "High", "Integration Assets", partner_meta),
    ("opcua_telemetry", timedelta(days=7), lambda r: "opcua-" + r["edge_node_id"], "OPCUASensorFeed",
     lambda a: "Zone0_PhysicalProcess", lambda a: "Critical", "Infrastructure Assets",
     lambda rows: {"avg_sensors": r1(sum(r["sensor_count"] for r in rows) / len(rows))}),
    ("cicd_audit", timedelta(days=7), lambda r: r["pipeline_id"], "CICDPipeline",
     lambda a: "Zone3_Enterprise", lambda a: "High", "Infrastructure Assets",
     lambda rows: {"total_runs": len(rows)}),
    ("model_registry", timedelta(days=30), lambda r: r["model_name"], "MLModel",
     lambda a: "Zone3_Enterprise", lambda a: "Critical", "AI/ML Assets",
     lambda rows: {"latest_hash": latest(rows, "model_hash"), "stage": latest(rows, "stage")}),
]


def report_assets(d):
    out = []
    for table, window, asset_id, asset_type, zone, risk, scope, meta in ASSET_SOURCES:
        groups = defaultdict(list)
        for r in d[table]:
            if within(r["ts"], window):
                groups[asset_id(r)].append(r)
        for aid in sorted(groups):
            rows = groups[aid]
            out.append({
                "asset_id": aid, "asset_type": asset_type, "asset_zone": zone(aid),
                "risk_category": risk(aid), "ctem_scope": scope,
                "last_seen": fmt_ts(max(r["ts"] for r in rows)), "metadata": meta(rows),
                "zone_source": "rule",  # the default (static) resolver places no asset
            })
    return out


def report_new_assets(d):
    out = []
    for table, _window, asset_id, asset_type, *_ in ASSET_SOURCES:
        recent = defaultdict(list)
        baseline = set()
        for r in d[table]:
            if within(r["ts"], timedelta(days=7)):
                recent[asset_id(r)].append(r["ts"])
            if NOW - timedelta(days=37) <= r["ts"] <= NOW - timedelta(days=7):  # inclusive
                baseline.add(asset_id(r))
        for aid, seen in recent.items():
            if aid in baseline:
                continue
            row = {
                "alert_title": f"CTEM SCOPE: New {asset_type} detected \u2014 {aid}",
                "alert_severity": "Medium",
                "ctem_phase": "Scope",
                "action": "Add to asset inventory, schedule initial security assessment",
                "asset_id": aid,
                "asset_type": asset_type,
                "first_seen": fmt_ts(min(seen)),
            }
            if asset_type == "EdgeInferenceNode":
                row["edge_node_id"] = aid
            else:
                row["$absent"] = ["edge_node_id"]
            out.append(row)
    out.sort(key=lambda r: (r["asset_type"], r["asset_id"]))
    return out


# ---------------------------------------------------------------------------------------------
# triage / correlation (seed 5.1, 5.2)


def sla_status(deadline):
    if deadline is None:
        return "ON_TRACK"
    if NOW > deadline:
        return "BREACHED"
    if deadline - NOW < timedelta(hours=24):
        return "AT_RISK"
    return "ON_TRACK"


def triage_priority(severity, status, runtime):
    if severity == "CRITICAL" and status == "BREACHED":
        return 1
    if severity == "CRITICAL":
        return 2
    if severity == "HIGH" and status == "BREACHED":
        return 3
    if severity == "HIGH" and runtime is not None:
        return 4
    if severity == "HIGH":
        return 5
    if severity == "MEDIUM":
        return 6
    return 7


def alerts_in(d, window):
    return [a for a in d["alerts"] if within(a["ts"], window)]


def atlas_mapping(technique, source_tool=""):
    """(official id, official name, match) of a seed technique ID, as docs/formats/atlas.md."""
    row = ATLAS_SEED_ROWS.get((technique, source_tool)) or ATLAS_SEED_ROWS.get((technique, None))
    if row:
        return row[0], ATLAS_NAMES[row[0]], row[1]
    if technique in ATLAS_NAMES:
        return technique, ATLAS_NAMES[technique], "exact"
    return "", "", "non_standard"


def exposure_atlas_fields(e):
    """The engine's ATLAS columns of an exposure row (docs/reports.md, "Exposure rows"). The
    fixture's rows are loaded with `ctem load`, which stores no official technique, so they
    all come from the mapping."""
    if not e["atlas_technique"]:
        return {"atlas_official_id": "", "atlas_official_name": "", "atlas_match": None,
                "atlas_nonstandard": False}
    official_id, official_name, match = atlas_mapping(e["atlas_technique"], e["source_tool"])
    return {"atlas_official_id": official_id, "atlas_official_name": official_name,
            "atlas_match": match, "atlas_nonstandard": match == "non_standard"}


TRIAGE_FIELDS = ["exposure_key", "title", "severity", "status", "ctem_score", "atlas_technique",
                 "ts", "created_at", "sla_deadline", "tenant_id"]


def report_triage(d, tenant):
    runtime = defaultdict(int)
    for a in alerts_in(d, timedelta(days=7)):
        if a["atlas_technique"]:
            runtime[a["atlas_technique"]] += 1
    rows = []
    for e in d["ctem_exposures"]:
        if e["status"] not in OPEN_STATUSES or not within(e["ts"], timedelta(days=90)):
            continue
        alerts = runtime.get(e["atlas_technique"]) if e["atlas_technique"] else None
        adjusted = checked_round(e["ctem_score"] * 1.5 if alerts is not None else e["ctem_score"], 2)
        status = sla_status(e["sla_deadline"])
        row = {k: e.get(k) for k in TRIAGE_FIELDS if k != "tenant_id"}
        row.update({
            "ts": fmt_ts(e["ts"]), "created_at": fmt_ts(e["created_at"]),
            "sla_deadline": fmt_ts(e["sla_deadline"]), "tenant_id": tenant,
            "runtime_alerts": alerts,
            "adjusted_score": float(adjusted),
            "sla_status": status,
            "days_open": (NOW - e["created_at"]).days,  # whole days from first seen (floor)
            "triage_priority": triage_priority(e["severity"], status, alerts),
            "no_longer_seen_at": None,  # `ctem load` rows were never reported gone
        })
        row.update(exposure_atlas_fields(e))
        rows.append((row, e["sla_deadline"]))
    # No two rows of the fixture tie on (priority, adjusted_score) with exactly one of them
    # lacking a deadline, so where nulls sort is not exercised (see the report to the lead).
    rows.sort(key=lambda p: (p[0]["triage_priority"], -p[0]["adjusted_score"],
                             p[1] or datetime.max.replace(tzinfo=timezone.utc),
                             p[0]["exposure_key"]))
    for i in range(1, len(rows)):
        a, b = rows[i - 1], rows[i]
        if ((a[0]["triage_priority"], a[0]["adjusted_score"]) ==
                (b[0]["triage_priority"], b[0]["adjusted_score"]) and
                (a[1] is None) != (b[1] is None)):
            raise ValueError("fixture makes the null-deadline order matter in triage")
    return [r for r, _ in rows]


def report_correlation(d):
    out = []
    recent = alerts_in(d, timedelta(days=7))
    for e in d["ctem_exposures"]:
        if e["status"] != "Open" or not e["atlas_technique"]:
            continue
        for a in recent:
            if a["atlas_technique"] != e["atlas_technique"]:
                continue
            out.append({
                "alert_title": (f"CTEM CRITICAL: Exposure '{e['title']}' correlated with "
                                f"runtime alert '{a['alert_title']}'"),
                "combined_severity": "CRITICAL",
                "action": "Immediate remediation \u2014 exposure is under active exploitation",
                "exposure_key": e["exposure_key"],
                "exposure_title": e["title"],
                "exposure_severity": e["severity"],
                "atlas_technique": e["atlas_technique"],
                "threat_model_ref": e["threat_model_ref"],
                "asset_zone": e["asset_zone"],
                "physical_consequence": e["physical_consequence"],
                "runtime_alert_name": a["alert_title"],
                "runtime_alert_severity": a["severity"],
                "alert_time": fmt_ts(a["ts"]),
                "_t": a["ts"],
            })
    out.sort(key=lambda r: (-RANK[r["exposure_severity"]], -r["_t"].timestamp(),
                            r["exposure_key"], r["runtime_alert_name"]))
    for r in out:
        del r["_t"]
    return out


# ---------------------------------------------------------------------------------------------
# campaign-gaps (seed 6.2, erratum 6)


def campaign_ids(d):
    return sorted({v["campaign_id"] for v in d["ctem_validations"]})


def report_campaign_gaps(d, campaign):
    tests = [v for v in d["ctem_validations"] if v["campaign_id"] == campaign]
    if not tests:
        raise KeyError(f"unknown campaign {campaign}; known: {campaign_ids(d)}")
    technique_of = {e["exposure_key"]: e["atlas_technique"] for e in d["ctem_exposures"]}
    exploitable = [v for v in tests if v["exploitable"]]
    counts = {"detected": 0, "DETECTION_GAP": 0, "CRITICAL_GAP": 0, "TIMING_GAP": 0, "DETECTED": 0}
    if exploitable:
        start = min(v["ts"] for v in exploitable)
        end = max(v["ts"] for v in exploitable)
        for v in exploitable:
            technique = technique_of.get(v["exposure_id"], "")
            # Detected: at least one alert with the exposure's (non-empty) technique in
            # [start, end]; a validation counts once however many alerts match.
            detected = bool(technique) and any(
                a["atlas_technique"] == technique and start <= a["ts"] <= end for a in d["alerts"])
            if v["detection_evaded"] and v["physical_consequence_demonstrated"]:
                gap = "CRITICAL_GAP"
            elif v["detection_evaded"]:
                gap = "DETECTION_GAP"
            elif not detected:
                gap = "TIMING_GAP"
            else:
                gap = "DETECTED"
            counts[gap] += 1
            counts["detected"] += int(detected)
    return {
        "campaign_id": campaign,
        "total_tests": len(tests),
        "exploitable": len(exploitable),
        "detected": counts["detected"],
        "detection_rate": pct(counts["detected"], len(exploitable)),
        "detection_gaps": counts["DETECTION_GAP"],
        "critical_gaps": counts["CRITICAL_GAP"],
        "timing_gaps": counts["TIMING_GAP"],
    }


# ---------------------------------------------------------------------------------------------
# sla-breaches / sla-at-risk / pending-verifications (seed 7.1-7.3)


def report_sla_breaches(d):
    out = []
    for e in d["ctem_exposures"]:
        dl = e["sla_deadline"]
        if e["status"] not in OPEN_STATUSES or dl is None or not NOW > dl:
            continue
        h = hours_between(NOW, dl)
        sev = e["severity"]
        if sev == "CRITICAL" and h > 24:
            level = "CISO_EXECUTIVE"
        elif sev == "CRITICAL":
            level = "SECURITY_DIRECTOR"
        elif sev == "HIGH" and h > 48:
            level = "SECURITY_DIRECTOR"
        elif sev == "HIGH":
            level = "SECURITY_MANAGER"
        else:
            level = "SECURITY_TEAM_LEAD"
        out.append({
            "alert_title": f"CTEM SLA BREACH: {e['title']} ({sev}, {fmt0(h)}h overdue)",
            "escalation_level": level,
            "hours_overdue": r1(h),
            "exposure_key": e["exposure_key"], "title": e["title"], "severity": sev,
            "physical_consequence": e["physical_consequence"],
            "atlas_technique": e["atlas_technique"], "threat_model_ref": e["threat_model_ref"],
            "assigned_to": e["assigned_to"], "sla_deadline": fmt_ts(dl),
            "asset_zone": e["asset_zone"], "source_tool": e["source_tool"],
            "_dl": dl,
        })
    out.sort(key=lambda r: (-RANK[r["severity"]], r["_dl"], r["exposure_key"]))
    for r in out:
        del r["_dl"]
    return out


def report_sla_at_risk(d):
    out = []
    for e in d["ctem_exposures"]:
        dl = e["sla_deadline"]
        if (e["status"] not in OPEN_STATUSES or e["severity"] not in ("CRITICAL", "HIGH") or
                dl is None or not NOW < dl < NOW + timedelta(hours=24)):
            continue
        h = hours_between(dl, NOW)
        out.append({
            # "<h>h remaining" formats like the seed's f"{hours_remaining:.0f}".
            "alert_title": f"CTEM SLA AT RISK: {e['title']} \u2014 {fmt0(h)}h remaining ({e['severity']})",
            "action": "Escalate to assignee and manager. Request exception if remediation is blocked.",
            "exposure_key": e["exposure_key"], "title": e["title"], "severity": e["severity"],
            "assigned_to": e["assigned_to"], "sla_deadline": fmt_ts(dl),
            "asset_zone": e["asset_zone"], "atlas_technique": e["atlas_technique"],
            "hours_remaining": r1(h),
        })
    out.sort(key=lambda r: (r["hours_remaining"], r["exposure_key"]))
    return out


def report_pending_verifications(d):
    out = []
    for r in d["ctem_remediations"]:
        fixed = r.get("fix_deployed_date")
        if (r["status"] != "FixDeployed" or r.get("verified_date") is not None or fixed is None or
                not NOW - fixed > timedelta(hours=24)):
            continue
        out.append({"remediation_id": r["remediation_id"], "exposure_id": r["exposure_id"],
                    "assigned_to": r["assigned_to"], "fix_deployed_date": fmt_ts(fixed),
                    "action": "Trigger re-scan to verify remediation effectiveness", "_f": fixed})
    out.sort(key=lambda r: (r["_f"], r["remediation_id"]))
    for r in out:
        del r["_f"]
    return out


# ---------------------------------------------------------------------------------------------
# weekly-metrics / score-trend / red-team / atlas-coverage (seed 8.1-8.4)


def report_weekly_metrics(d):
    severity_of = {e["exposure_key"]: e["severity"] for e in d["ctem_exposures"]}
    verified = [r for r in d["ctem_remediations"]
                if r["status"] == "Verified" and within(r["ts"], timedelta(days=30))]
    durations = [hours_between(r["verified_date"], r["assigned_date"]) for r in verified]
    critical = [hours_between(r["verified_date"], r["assigned_date"]) for r in verified
                if severity_of.get(r["exposure_id"]) == "CRITICAL"]
    on_time = [r for r in verified if r["sla_deadline"] is not None and r["verified_date"] <= r["sla_deadline"]]
    open_counts = defaultdict(int)
    for e in d["ctem_exposures"]:
        if e["status"] in OPEN_STATUSES:
            open_counts[e["severity"]] += 1
    current = [e for e in d["ctem_exposures"]
               if e["severity"] in ("CRITICAL", "HIGH") and within(e["ts"], timedelta(days=30))]
    prior = [e for e in d["ctem_exposures"] if e["severity"] in ("CRITICAL", "HIGH") and
             NOW - timedelta(days=60) <= e["ts"] <= NOW - timedelta(days=30)]
    tools = defaultdict(int)
    for e in d["ctem_exposures"]:
        if within(e["ts"], timedelta(days=30)):
            tools[e["source_tool"]] += 1
    return {
        "report": "CTEM Weekly Operational Metrics",
        "report_date": NOW.strftime("%Y-%m-%d"),
        "mttr_all_hours": r1(sum(durations) / len(durations)) if durations else 0.0,
        "mttr_critical_hours": r1(sum(critical) / len(critical)) if critical else 0.0,
        "sla_compliance_rate": pct(len(on_time), len(verified)) if verified else 0.0,
        # keys in rank order (checked separately by the test)
        "open_exposures": {s: open_counts[s] for s in SEVERITIES_BY_RANK if open_counts[s]},
        "attack_path_current_month": len({e["exposure_key"] for e in current}),
        "attack_path_prior_month": len({e["exposure_key"] for e in prior}),
        "tool_coverage": dict(sorted(tools.items())),
    }


def report_score_trend(d):
    weeks = defaultdict(list)
    for e in d["ctem_exposures"]:
        if e["status"] in OPEN_STATUSES and within(e["ts"], timedelta(days=180)):
            monday = (e["ts"] - timedelta(days=e["ts"].weekday())).date()  # ISO week, UTC
            weeks[monday].append(e)
    weight = {"CRITICAL": 4, "HIGH": 3, "MEDIUM": 2, "LOW": 1}
    out = []
    prev = None
    for monday in sorted(weeks):
        rows = weeks[monday]
        scores = [e["ctem_score"] for e in rows]
        posture = r1(sum(e["ctem_score"] * weight[e["severity"]] for e in rows) / len(rows))
        if prev is None:
            change, trend = None, "BASELINE"
        else:
            change = r1(posture - prev)
            trend = "IMPROVING" if posture < prev else "DEGRADING" if posture > prev else "STABLE"
        out.append({
            "week": monday.isoformat(),
            "total_exposures": len(rows),
            "critical_count": sum(e["severity"] == "CRITICAL" for e in rows),
            "high_count": sum(e["severity"] == "HIGH" for e in rows),
            "medium_count": sum(e["severity"] == "MEDIUM" for e in rows),
            "low_count": sum(e["severity"] == "LOW" for e in rows),
            "avg_ctem_score": r1(sum(scores) / len(scores)),
            "max_ctem_score": float(max(scores)),
            "risk_posture_score": posture,
            "week_over_week_change": change,
            "trend": trend,
        })
        prev = posture  # the previous row of the report (weeks without exposures are absent)
    return out


def report_red_team(d):
    per = defaultdict(list)
    for v in d["ctem_validations"]:
        if v["validation_type"] in RED_TEAM_TYPES and within(v["ts"], timedelta(days=365)):
            per[v["campaign_id"]].append(v)
    out = []
    for cid in sorted(per):
        tests = per[cid]
        exploitable = [v for v in tests if v["exploitable"]]
        evaded = [v for v in exploitable if v["detection_evaded"]]
        out.append({
            "campaign_id": cid,
            "total_tests": len(tests),
            "exploitable_findings": len(exploitable),
            "exploit_rate": pct(len(exploitable), len(tests)),
            "evasion_rate": pct(len(evaded), len(exploitable)),
            "detection_rate": pct(len(exploitable) - len(evaded), len(exploitable)),
            "physical_consequence_count": sum(v["physical_consequence_demonstrated"] for v in tests),
        })
    return out


def report_atlas_coverage(d):
    technique_of = {e["exposure_key"]: e["atlas_technique"] for e in d["ctem_exposures"]}
    ctem = defaultdict(int)
    for e in d["ctem_exposures"]:
        if e["atlas_technique"] and within(e["ts"], timedelta(days=90)):
            ctem[e["atlas_technique"]] += 1
    runtime = defaultdict(int)
    for a in alerts_in(d, timedelta(days=90)):
        if a["atlas_technique"]:
            runtime[a["atlas_technique"]] += 1
    validated = defaultdict(int)
    for v in d["ctem_validations"]:
        t = technique_of.get(v["exposure_id"], "")
        if t and within(v["ts"], timedelta(days=365)):
            validated[t] += 1
    out = []
    for t, ref, name in KNOWN_TECHNIQUES:
        has = (ctem[t] > 0, runtime[t] > 0, validated[t] > 0)
        if all(has):
            status = "FULL_COVERAGE"
        elif has[1]:
            status = "DETECTION_ONLY"
        elif has[0]:
            status = "DISCOVERY_ONLY"
        else:
            status = "NO_COVERAGE"
        # The matrix's own IDs: no emitting tool (its AML.T0044 is Full ML Model Access).
        official_id, official_name, match = atlas_mapping(t)
        out.append({
            "atlas_technique": t, "technique_name": name,
            "atlas_official_id": official_id, "atlas_official_name": official_name,
            "atlas_match": match, "threat_model_ref": ref,
            "has_ctem_discovery": has[0], "ctem_findings": ctem[t],
            "has_runtime_detection": has[1], "runtime_alerts": runtime[t],
            "has_red_team_validation": has[2], "validation_tests": validated[t],
            "coverage_score": sum(has), "coverage_status": status,
        })
    out.sort(key=lambda r: (r["coverage_score"], r["atlas_technique"]))
    return out


# ---------------------------------------------------------------------------------------------
# new-gaps / ctem-context (seed 9.2, 9.3)


def report_new_gaps(d):
    out = []
    for v in d["ctem_validations"]:
        if not v["detection_evaded"] or not within(v["ts"], timedelta(hours=1)):
            continue
        if v["physical_consequence_demonstrated"]:
            sev = "CRITICAL"
        elif v["exploit_complexity"] == "low":
            sev = "HIGH"
        else:
            sev = "MEDIUM"
        rules, gaps = v["detection_rules_tested"], v["detection_gaps"]
        # The fixture keeps these lists to at most one element here, so that the JSON text is
        # the same in every serialiser's style (["a","b"] vs ["a", "b"]).
        assert len(rules) <= 1 and len(gaps) <= 1
        out.append({
            "alert_title": f"CTEM DETECTION GAP: {v['validation_type']} evaded detection ({sev})",
            "gap_severity": sev,
            "action": (f"Detection rules tested: {json.dumps(rules)}. Gaps identified: "
                       f"{json.dumps(gaps)}. Update ALUSKORT analytics rules to cover this attack path."),
            "validation_id": v["validation_id"], "exposure_id": v["exposure_id"],
            "campaign_id": v["campaign_id"], "validation_type": v["validation_type"],
            "attack_path": v["attack_path"], "detection_rules_tested": rules,
            "detection_gaps": gaps,
            "physical_consequence_demonstrated": v["physical_consequence_demonstrated"],
            "exploit_complexity": v["exploit_complexity"], "tester": v["tester"],
            "evidence_url": v["evidence_url"], "_t": v["ts"],
        })
    out.sort(key=lambda r: (r["_t"], r["validation_id"]))
    for r in out:
        del r["_t"]
    return out


def report_ctem_context(d, technique):
    if not technique.startswith("AML.T"):
        return []
    rows = [e for e in d["ctem_exposures"]
            if e["atlas_technique"] == technique and e["status"] in OPEN_STATUSES]
    rows.sort(key=lambda e: (-e["ctem_score"], e["exposure_key"]))
    return [{k: e[k] for k in ("exposure_key", "title", "severity", "ctem_score",
                               "physical_consequence", "source_tool", "asset_zone",
                               "threat_model_ref")} for e in rows[:10]]


# ---------------------------------------------------------------------------------------------
# The cases (keep in sync with kDefaultCases / kOtherCases in conformance_test.cc)

DEFAULT_CASES = [
    ("assets", {}), ("new-assets", {}), ("triage", {}), ("correlation", {}),
    ("campaign-gaps", {"campaign": "RT-2026-Q3"}), ("campaign-gaps", {"campaign": "RT-2026-Q4"}),
    ("campaign-gaps", {"campaign": "RT-2026-Q2"}), ("campaign-gaps", {"campaign": "SCAN-2026-11"}),
    ("sla-breaches", {}), ("sla-at-risk", {}), ("pending-verifications", {}),
    ("weekly-metrics", {}), ("score-trend", {}), ("red-team", {}), ("atlas-coverage", {}),
    ("new-gaps", {}),
    ("ctem-context", {"technique": "AML.T0051"}), ("ctem-context", {"technique": "AML.T0054"}),
    ("ctem-context", {"technique": "AML.T0018"}), ("ctem-context", {"technique": "T1190"}),
]
OTHER_CASES = [
    ("assets", {}), ("new-assets", {}), ("triage", {}), ("correlation", {}),
    ("campaign-gaps", {"campaign": "RT-OTHER-1"}),
    ("sla-breaches", {}), ("sla-at-risk", {}), ("pending-verifications", {}),
    ("weekly-metrics", {}), ("score-trend", {}), ("red-team", {}), ("atlas-coverage", {}),
    ("new-gaps", {}), ("ctem-context", {"technique": "AML.T0051"}),
]


def run(d, tenant, name, params):
    if name == "assets":
        return report_assets(d)
    if name == "new-assets":
        return report_new_assets(d)
    if name == "triage":
        return report_triage(d, tenant)
    if name == "correlation":
        return report_correlation(d)
    if name == "campaign-gaps":
        return report_campaign_gaps(d, params["campaign"])
    if name == "sla-breaches":
        return report_sla_breaches(d)
    if name == "sla-at-risk":
        return report_sla_at_risk(d)
    if name == "pending-verifications":
        return report_pending_verifications(d)
    if name == "weekly-metrics":
        return report_weekly_metrics(d)
    if name == "score-trend":
        return report_score_trend(d)
    if name == "red-team":
        return report_red_team(d)
    if name == "atlas-coverage":
        return report_atlas_coverage(d)
    if name == "new-gaps":
        return report_new_gaps(d)
    if name == "ctem-context":
        return report_ctem_context(d, params["technique"])
    raise KeyError(name)


def file_name(name, params):
    suffix = "".join("-" + v for v in params.values())
    return f"{name}{suffix}.json"


def main():
    check = "--check" in sys.argv[1:]
    stale = []
    for tenant, fixture_dir, out_dir, cases in (
            ("default", FIXTURE, EXPECTED, DEFAULT_CASES),
            ("other", FIXTURE / "other", EXPECTED / "other", OTHER_CASES)):
        d = load_tenant(fixture_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        for name, params in cases:
            text = json.dumps(run(d, tenant, name, params), indent=2, ensure_ascii=False) + "\n"
            path = out_dir / file_name(name, params)
            if check:
                if not path.exists() or path.read_text(encoding="utf-8") != text:
                    stale.append(str(path))
            else:
                path.write_text(text, encoding="utf-8")
    if stale:
        print("stale expected files:\n  " + "\n  ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
