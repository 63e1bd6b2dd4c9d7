// `skybroker offers` and `skybroker accelerators`.
#include <map>

#include "api/app.h"
#include "api/cli/commands.h"
#include "api/cli/table_printer.h"
#include "api/handlers/offer_json.h"
#include "api/handlers/offer_query_params.h"

namespace sky::api {
namespace {

constexpr char kOffersSynopsis[] =
    "usage: skybroker offers [FLAGS]\n"
    "Lists the catalog's compute offers, cheapest first.\n";

// The flags are GET /v1/offers' query parameters ('-' for '_'), with the same help.
FlagSpec OffersFlags() {
  FlagSpec spec;
  for (const auto& [name, help] : OfferQueryParamHelp()) {
    std::string flag = name;
    for (char& c : flag) c = c == '_' ? '-' : c;
    if (name == "cpu_only") {
      spec.Boolean(flag, help);
    } else {
      spec.Single(flag, "VALUE", help);
    }
  }
  spec.Boolean("json", "print the offers as JSON");
  return spec;
}

std::map<std::string, std::string> QueryParams(const CliArgs& args) {
  std::map<std::string, std::string> params;
  for (const auto& [name, help] : OfferQueryParamHelp()) {
    std::string flag = name;
    for (char& c : flag) c = c == '_' ? '-' : c;
    if (name == "cpu_only") {
      if (args.Has(flag)) params[name] = "true";
    } else if (auto v = args.Get(flag)) {
      params[name] = *v;
    }
  }
  return params;
}

std::string Gb(double gb) { return gb > 0 ? FormatFixed(gb, 0) + " GB" : "-"; }

void PrintOffers(const std::vector<const Offer*>& offers, std::ostream& out) {
  TablePrinter table({"GPU", "QTY", "PROVIDER", "INSTANCE", "GPU MEM", "vCPUs", "MEM", "$/h",
                      "$/GPU-h", "MARKET", "REGION/ZONE"},
                     {false, true, false, false, true, true, true, true, true, false, false});
  for (const Offer* o : offers) {
    table.AddRow(
        {o->accelerator.empty() ? "-" : o->accelerator,
         o->accelerator_count > 0 ? std::to_string(o->accelerator_count) : "-", o->provider,
         o->instance_type, Gb(o->accelerator_memory_gb),
         o->vcpus > 0 ? FormatFixed(o->vcpus, 0) : "-", Gb(o->memory_gb),
         FormatFixed(o->price_per_hour, 3),
         o->accelerator_count > 0 ? FormatFixed(o->price_per_accelerator_hour(), 3) : "-",
         std::string(MarketName(o->market)) +
             (o->reserved_term_months ? " " + std::to_string(*o->reserved_term_months) + "mo" : ""),
         o->zone.empty() ? o->region : o->region + "/" + o->zone});
  }
  table.Print(out);
}

}  // namespace

int RunOffers(const Words& words, std::ostream& out, std::ostream& err) {
  ParsedCommand parsed = ParseCommand(words, OffersFlags(), kOffersSynopsis, 0, 0, out, err);
  if (!parsed.args) return parsed.exit_code;
  const CliArgs& args = *parsed.args;
  auto query = BuildOfferQuery(QueryParams(args));
  if (!query.ok()) return ReportError(query.status(), err);
  auto app = App::Open(args, err);
  if (!app.ok()) return ReportError(app.status(), err);
  auto index = (*app)->catalog().Snapshot();
  std::vector<const Offer*> offers = index->Query(*query);
  if (args.Has("json")) {
    nlohmann::json array = nlohmann::json::array();
    for (const Offer* o : offers) array.push_back(OfferToJson(*o));
    out << array.dump(2) << "\n";
    return 0;
  }
  if (offers.empty()) {
    err << "no offer matches (" << index->offers().size() << " offers in the catalog)\n";
    return 0;
  }
  PrintOffers(offers, out);
  out << std::flush;
  err << offers.size() << " of " << index->Count(*query) << " matching offers\n";
  return 0;
}

int RunAccelerators(const Words& words, std::ostream& out, std::ostream& err) {
  FlagSpec spec;
  spec.Boolean("json", "print the accelerators as JSON");
  ParsedCommand parsed = ParseCommand(words, spec,
                                      "usage: skybroker accelerators [FLAGS]\n"
                                      "Lists accelerators with their cheapest prices.\n",
                                      0, 0, out, err);
  if (!parsed.args) return parsed.exit_code;
  auto app = App::Open(*parsed.args, err);
  if (!app.ok()) return ReportError(app.status(), err);
  auto summaries = (*app)->catalog().Snapshot()->Accelerators();
  if (parsed.args->Has("json")) {
    nlohmann::json array = nlohmann::json::array();
    for (const auto& s : summaries) array.push_back(AcceleratorToJson(s));
    out << array.dump(2) << "\n";
    return 0;
  }
  TablePrinter table({"ACCELERATOR", "COUNTS", "OFFERS", "ON-DEMAND $/GPU-h", "SPOT $/GPU-h"},
                     {false, false, true, true, true});
  for (const auto& s : summaries) {
    std::string counts;
    for (int c : s.counts) counts += (counts.empty() ? "" : ",") + std::to_string(c);
    auto price = [](const std::optional<double>& p) { return p ? FormatFixed(*p, 3) : "-"; };
    table.AddRow({s.name, counts, std::to_string(s.offers),
                  price(s.cheapest_on_demand_per_accelerator_hour),
                  price(s.cheapest_spot_per_accelerator_hour)});
  }
  table.Print(out);
  return 0;
}

}  // namespace sky::api
