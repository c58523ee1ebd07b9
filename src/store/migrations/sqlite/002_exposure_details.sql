-- v2: details from native tool formats (CVE/CWE, references), the official ATLAS technique
-- behind the seed's ID, and the tool's own workflow status. Lists are JSON arrays.
ALTER TABLE ctem_exposures ADD COLUMN cve_ids TEXT NOT NULL DEFAULT '[]';
ALTER TABLE ctem_exposures ADD COLUMN cwe_ids TEXT NOT NULL DEFAULT '[]';
ALTER TABLE ctem_exposures ADD COLUMN reference_urls TEXT NOT NULL DEFAULT '[]';
ALTER TABLE ctem_exposures ADD COLUMN atlas_official_id TEXT NOT NULL DEFAULT '';
ALTER TABLE ctem_exposures ADD COLUMN atlas_official_name TEXT NOT NULL DEFAULT '';
ALTER TABLE ctem_exposures ADD COLUMN tool_status TEXT NOT NULL DEFAULT '';
