// `ctem token create|list|revoke`: the API tokens the gateway accepts (docs/security.md).
//
//   ctem token create --tenant T --scope ingest|read|admin [--name N] [--format text|json]
//       prints the token once (text: the token alone on stdout, for scripts to capture);
//       only its SHA-256 is stored.
//   ctem token list [--format table|json]   id, name, tenant, scope, prefix, created, revoked
//   ctem token revoke ID|NAME                the gateway refuses it within its cache TTL (30 s)
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

#include "api/auth.h"
#include "cli/context.h"
#include "store/api_tokens.h"

namespace ctem::cli {
namespace {

using Json = nlohmann::ordered_json;

struct TokenArgs final : CommandArgs {
  std::string scope;
  std::string name;
  std::string create_format = "text";
  std::string list_format = "table";
  std::string id_or_name;
};

Json RowJson(const store::ApiTokenRow& t) {
  return Json{{"id", t.id},
              {"name", t.name},
              {"tenant", t.tenant_id},
              {"scope", t.scope},
              {"prefix", t.prefix},
              {"created_at", FormatTimestamp(t.created_at)},
              {"revoked_at", t.revoked_at ? Json(FormatTimestamp(*t.revoked_at)) : Json(nullptr)},
              {"last_used_at", t.last_used_at ? Json(FormatTimestamp(*t.last_used_at)) : Json(nullptr)}};
}

int RunCreate(Context& ctx, const TokenArgs& a) {
  auto scope = api::ParseScope(a.scope);
  if (!scope) {
    PrintError(scope.error());
    return kExitUsage;
  }
  if (a.create_format != "text" && a.create_format != "json") {
    PrintError(Error::InvalidArgument("--format must be text or json"));
    return kExitUsage;
  }
  const std::string& tenant = ctx.options().tenant;
  if (tenant.empty() || tenant.size() > 128) {
    PrintError(Error::InvalidArgument("--tenant must be 1 to 128 characters"));
    return kExitUsage;
  }
  auto now = ctx.Now();
  if (!now) {
    PrintError(now.error());
    return kExitUsage;
  }
  auto token = api::GenerateToken();
  if (!token) {
    PrintError(token.error());
    return kExitFailure;
  }
  auto store = ctx.OpenStore(/*migrate=*/true);
  if (!store) {
    PrintError(store.error());
    return kExitFailure;
  }
  store::NewApiToken row{tenant, std::string(api::ScopeName(*scope)),
                         a.name.empty() ? tenant + "-" + a.scope + "-" + token->prefix.substr(5) : a.name,
                         token->hash, token->prefix};
  auto id = store::InsertApiToken(**store, row, *now);
  if (!id) {
    PrintError(id.error());
    return id.error().code == ErrorCode::kInvalidArgument ? kExitUsage : kExitFailure;
  }
  if (a.create_format == "json") {
    std::cout << Json{{"id", *id},       {"name", row.name},     {"tenant", tenant},
                      {"scope", row.scope}, {"prefix", row.prefix}, {"token", token->token}}
                     .dump()
              << "\n";
  } else {
    std::cout << token->token << "\n";
    std::cerr << "ctem: token " << *id << " '" << row.name << "' (" << row.scope << " for tenant " << tenant
              << ") created; it is shown only now — keep it, only its hash is stored\n";
  }
  return kExitOk;
}

int RunList(Context& ctx, const TokenArgs& a) {
  auto store = ctx.OpenStore(/*migrate=*/false);
  if (!store) {
    PrintError(store.error());
    return kExitFailure;
  }
  auto rows = store::ListApiTokens(**store);
  if (!rows) {
    PrintError(rows.error());
    return kExitFailure;
  }
  if (a.list_format == "json") {
    Json out = Json::array();
    for (const auto& t : *rows) out.push_back(RowJson(t));
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  std::cout << std::left << std::setw(6) << "ID" << std::setw(32) << "NAME" << std::setw(16) << "TENANT"
            << std::setw(8) << "SCOPE" << std::setw(14) << "PREFIX" << std::setw(26) << "CREATED"
            << "REVOKED\n";
  for (const auto& t : *rows) {
    std::cout << std::left << std::setw(6) << t.id << std::setw(32) << t.name << std::setw(16) << t.tenant_id
              << std::setw(8) << t.scope << std::setw(14) << t.prefix << std::setw(26)
              << FormatTimestamp(t.created_at) << (t.revoked_at ? FormatTimestamp(*t.revoked_at) : "-") << "\n";
  }
  return kExitOk;
}

int RunRevoke(Context& ctx, const TokenArgs& a) {
  auto now = ctx.Now();
  if (!now) {
    PrintError(now.error());
    return kExitUsage;
  }
  auto store = ctx.OpenStore(/*migrate=*/false);
  if (!store) {
    PrintError(store.error());
    return kExitFailure;
  }
  auto row = store::RevokeApiToken(**store, a.id_or_name, *now);
  if (!row) {
    PrintError(row.error());
    return kExitFailure;
  }
  std::cout << RowJson(*row).dump() << "\n";
  return kExitOk;
}

}  // namespace

CommandArgsPtr AddTokenCommand(CLI::App& app, Context& ctx, int& exit_code) {
  auto args = std::make_unique<TokenArgs>();
  TokenArgs* a = args.get();
  auto* token = app.add_subcommand("token", "Create, list and revoke API tokens (docs/security.md)");
  token->require_subcommand(1);

  auto* create = token->add_subcommand("create", "Create a token and print it once (only its hash is stored)");
  create->add_option("--scope", a->scope, "ingest (POST ingest only), read (GET reports, exposures, /metrics) or admin")
      ->required();
  create->add_option("--name", a->name, "A unique name (default: TENANT-SCOPE-PREFIX)");
  create->add_option("--format", a->create_format, "text (the token alone on stdout) or json")->capture_default_str();
  create->footer("The tenant is the global --tenant (env CTEM_TENANT).\n\nExample:\n"
                 "  TOKEN=$(ctem token create --tenant plant-a --scope ingest --name snyk-webhook)\n"
                 "  curl -H \"Authorization: Bearer $TOKEN\" ...");
  create->callback([&ctx, &exit_code, a]() { exit_code = RunCreate(ctx, *a); });

  auto* list = token->add_subcommand("list", "List tokens (never the token or its hash)");
  list->add_option("--format", a->list_format, "table or json")->capture_default_str();
  list->callback([&ctx, &exit_code, a]() { exit_code = RunList(ctx, *a); });

  auto* revoke = token->add_subcommand("revoke", "Revoke a token by id or name");
  revoke->add_option("ID_OR_NAME", a->id_or_name, "The token's id or name")->required();
  revoke->footer("The gateway keeps verified tokens for CTEM_AUTH_CACHE_TTL_S (30 s): a revoked token is "
                 "refused within that time.");
  revoke->callback([&ctx, &exit_code, a]() { exit_code = RunRevoke(ctx, *a); });
  return args;
}

}  // namespace ctem::cli
