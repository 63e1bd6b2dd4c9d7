#include "catalog/sqlite_offer_store.h"

#include <algorithm>
#include <tuple>
#include <utility>

#include "catalog/migrations.h"
#include "sky/storage/sqlite.h"

namespace sky::catalog {
namespace {

using storage::Statement;

// Column order shared by every SELECT below and by BindOffer/ReadOfferRow.
#define SKY_OFFER_COLUMNS                                                                   \
  "id, provider, region, zone, instance_type, accelerator, accelerator_count, "             \
  "accelerator_memory_gb, vcpus, memory_gb, market, price_per_hour, reserved_term_months, " \
  "available, observed_at, source"

const char kSelectOffer[] = "SELECT " SKY_OFFER_COLUMNS " FROM offers WHERE id = ?1";
const char kSelectAllOffers[] = "SELECT " SKY_OFFER_COLUMNS " FROM offers ORDER BY id";
const char kUpsertOffer[] =
    "INSERT INTO offers(" SKY_OFFER_COLUMNS
    ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16) "
    "ON CONFLICT(id) DO UPDATE SET provider = excluded.provider, region = excluded.region, "
    "zone = excluded.zone, instance_type = excluded.instance_type, "
    "accelerator = excluded.accelerator, accelerator_count = excluded.accelerator_count, "
    "accelerator_memory_gb = excluded.accelerator_memory_gb, vcpus = excluded.vcpus, "
    "memory_gb = excluded.memory_gb, market = excluded.market, "
    "price_per_hour = excluded.price_per_hour, "
    "reserved_term_months = excluded.reserved_term_months, available = excluded.available, "
    "observed_at = excluded.observed_at, source = excluded.source";
#undef SKY_OFFER_COLUMNS

// The price in force at `observed_at`: the newest point at or before it.
const char kPriceAsOf[] =
    "SELECT price_per_hour FROM price_history WHERE offer_id = ?1 AND observed_at <= ?2 "
    "ORDER BY observed_at DESC LIMIT 1";
const char kInsertPricePoint[] =
    "INSERT INTO price_history(offer_id, observed_at, price_per_hour, source) "
    "VALUES(?1, ?2, ?3, ?4) ON CONFLICT(offer_id, observed_at, price_per_hour) DO NOTHING";
const char kOfferExists[] = "SELECT 1 FROM offers WHERE id = ?1";
const char kSelectHistory[] =
    "SELECT observed_at, price_per_hour, source FROM price_history WHERE offer_id = ?1 "
    "AND (?2 = '' OR observed_at >= ?2) AND (?3 = '' OR observed_at <= ?3) "
    "ORDER BY observed_at, price_per_hour";
const char kCountOffers[] = "SELECT COUNT(*) FROM offers";

// Sorts after every ISO 8601 time, for offers that carry none.
constexpr std::string_view kEndOfTime = "9999-12-31T23:59:59Z";

void BindOptionalInt(Statement& stmt, int index, const std::optional<int>& value) {
  if (value) {
    stmt.Bind(index, int64_t{*value});
  } else {
    stmt.BindNull(index);
  }
}

void BindOffer(Statement& stmt, const Offer& o) {
  stmt.Bind(1, o.id).Bind(2, o.provider).Bind(3, o.region).Bind(4, o.zone);
  stmt.Bind(5, o.instance_type).Bind(6, o.accelerator).Bind(7, int64_t{o.accelerator_count});
  stmt.Bind(8, o.accelerator_memory_gb).Bind(9, o.vcpus).Bind(10, o.memory_gb);
  stmt.Bind(11, MarketName(o.market)).Bind(12, o.price_per_hour);
  BindOptionalInt(stmt, 13, o.reserved_term_months);
  BindOptionalInt(stmt, 14, o.available);
  stmt.Bind(15, o.observed_at).Bind(16, o.source);
}

std::optional<int> OptionalInt(const Statement& stmt, int column) {
  if (stmt.IsNull(column)) return std::nullopt;
  return static_cast<int>(stmt.Int(column));
}

Result<Offer> ReadOfferRow(const Statement& stmt) {
  Offer o;
  o.id = stmt.Text(0);
  o.provider = stmt.Text(1);
  o.region = stmt.Text(2);
  o.zone = stmt.Text(3);
  o.instance_type = stmt.Text(4);
  o.accelerator = stmt.Text(5);
  o.accelerator_count = static_cast<int>(stmt.Int(6));
  o.accelerator_memory_gb = stmt.Double(7);
  o.vcpus = stmt.Double(8);
  o.memory_gb = stmt.Double(9);
  const std::optional<Market> market = ParseMarket(stmt.Text(10));
  if (!market) return Status::Internal("offer " + o.id + ": unknown market in database");
  o.market = *market;
  o.price_per_hour = stmt.Double(11);
  o.reserved_term_months = OptionalInt(stmt, 12);
  o.available = OptionalInt(stmt, 13);
  o.observed_at = stmt.Text(14);
  o.source = stmt.Text(15);
  return o;
}

// Everything that makes an offer different, i.e. all but when and where it was seen.
bool SameAttributes(const Offer& a, const Offer& b) {
  return a.provider == b.provider && a.region == b.region && a.zone == b.zone &&
         a.instance_type == b.instance_type && a.accelerator == b.accelerator &&
         a.accelerator_count == b.accelerator_count &&
         a.accelerator_memory_gb == b.accelerator_memory_gb && a.vcpus == b.vcpus &&
         a.memory_gb == b.memory_gb && a.market == b.market &&
         a.price_per_hour == b.price_per_hour && a.reserved_term_months == b.reserved_term_months &&
         a.available == b.available;
}

PricePoint OwnPricePoint(const Offer& offer) {
  return {offer.id, offer.price_per_hour, offer.observed_at, offer.source};
}

}  // namespace

Result<std::unique_ptr<OfferStore>> OfferStore::Open(const std::string& path) {
  SKY_ASSIGN_OR_RETURN(std::unique_ptr<SqliteOfferStore> store, SqliteOfferStore::Open(path));
  return std::unique_ptr<OfferStore>(std::move(store));
}

Result<std::unique_ptr<SqliteOfferStore>> SqliteOfferStore::Open(const std::string& path) {
  storage::SqliteOptions options;
  // A whole-catalog ingest is one transaction; a page cache that holds it avoids spilling
  // dirty pages to the WAL mid-transaction (the default 2 MB is far too small for 70k offers).
  options.cache_size_kib = 65536;
  SKY_ASSIGN_OR_RETURN(std::unique_ptr<storage::Database> db, storage::OpenSqlite(path, options));
  SKY_RETURN_IF_ERROR(db->Migrate(CatalogSchema()));
  return std::unique_ptr<SqliteOfferStore>(new SqliteOfferStore(std::move(db)));
}

Result<IngestSummary> SqliteOfferStore::Apply(const std::vector<IngestBatch>& batches) {
  IngestSummary summary;
  for (const IngestBatch& batch : batches) {
    summary.rows_read += batch.rows_read;
    summary.rejected.insert(summary.rejected.end(), batch.rejected.begin(), batch.rejected.end());
  }
  MutexLock lock(mu_);
  const Status s = db_->InTransaction([&] {
    mu_.AssertHeld();  // InTransaction runs this before it returns, under our lock
    return ApplyBatches(batches, summary);
  });
  if (!s.ok()) return s.WithPrefix("applying catalog batches (nothing was changed)");
  return summary;
}

Status SqliteOfferStore::ApplyBatches(const std::vector<IngestBatch>& batches,
                                      IngestSummary& summary) {
  // Offers of every batch first, so a price point may name an offer of any batch. Both are
  // written in key order: B-tree inserts then append to the same few pages instead of
  // touching a random page each (several times faster for a whole catalog). The sorts are
  // stable, so repeated ids keep their order and the last one still wins.
  std::vector<const Offer*> offers;
  std::vector<const PricePoint*> points;
  for (const IngestBatch& batch : batches) {
    for (const Offer& offer : batch.offers) offers.push_back(&offer);
    for (const PricePoint& point : batch.price_points) points.push_back(&point);
  }
  std::stable_sort(offers.begin(), offers.end(),
                   [](const Offer* a, const Offer* b) { return a->id < b->id; });
  std::stable_sort(points.begin(), points.end(), [](const PricePoint* a, const PricePoint* b) {
    return std::tie(a->offer_id, a->observed_at) < std::tie(b->offer_id, b->observed_at);
  });
  for (const Offer* offer : offers) SKY_RETURN_IF_ERROR(UpsertOffer(*offer, summary));
  for (const PricePoint* point : points) SKY_RETURN_IF_ERROR(InsertPricePoint(*point, summary));
  return Status::Ok();
}

Status SqliteOfferStore::UpsertOffer(const Offer& offer, IngestSummary& summary) {
  SKY_ASSIGN_OR_RETURN(const std::optional<Offer> existing, ReadOffer(offer.id));
  const bool stale =
      existing && !offer.observed_at.empty() && existing->observed_at > offer.observed_at;
  if (!existing) {
    ++summary.offers_added;
    SKY_RETURN_IF_ERROR(WriteOffer(offer));
  } else if (stale) {
    // An older observation (re-reading an old file) is history, not the current offer.
    ++summary.offers_unchanged;
  } else if (!SameAttributes(*existing, offer)) {
    ++summary.offers_updated;
    SKY_RETURN_IF_ERROR(WriteOffer(offer));
  } else {
    ++summary.offers_unchanged;
    if (existing->observed_at != offer.observed_at || existing->source != offer.source) {
      SKY_RETURN_IF_ERROR(WriteOffer(offer));
    }
  }
  // A new offer has no history yet (points reference offers, and explicit points come later).
  if (!existing) return InsertPricePoint(OwnPricePoint(offer), summary);
  return RecordCurrentPrice(offer, summary);
}

Result<std::optional<Offer>> SqliteOfferStore::ReadOffer(const OfferId& id) {
  SKY_ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(kSelectOffer));
  stmt.Bind(1, id);
  SKY_ASSIGN_OR_RETURN(const bool row, stmt.Step());
  if (!row) return std::optional<Offer>();
  SKY_ASSIGN_OR_RETURN(Offer offer, ReadOfferRow(stmt));
  return std::optional<Offer>(std::move(offer));
}

Status SqliteOfferStore::WriteOffer(const Offer& offer) {
  SKY_ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(kUpsertOffer));
  BindOffer(stmt, offer);
  return stmt.Run();
}

Status SqliteOfferStore::RecordCurrentPrice(const Offer& offer, IngestSummary& summary) {
  const std::string_view as_of = offer.observed_at.empty() ? kEndOfTime : offer.observed_at;
  {
    SKY_ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(kPriceAsOf));
    stmt.Bind(1, offer.id).Bind(2, as_of);
    SKY_ASSIGN_OR_RETURN(const bool row, stmt.Step());
    if (row && stmt.Double(0) == offer.price_per_hour) return Status::Ok();
  }
  return InsertPricePoint(OwnPricePoint(offer), summary);
}

Status SqliteOfferStore::InsertPricePoint(const PricePoint& point, IngestSummary& summary) {
  SKY_ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(kInsertPricePoint));
  stmt.Bind(1, point.offer_id).Bind(2, point.observed_at).Bind(3, point.price_per_hour);
  stmt.Bind(4, point.source);
  SKY_RETURN_IF_ERROR(stmt.Run());
  summary.price_points_added += db_->Changes();
  return Status::Ok();
}

Result<std::vector<Offer>> SqliteOfferStore::LoadOffers() const {
  MutexLock lock(mu_);
  SKY_ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(kSelectAllOffers));
  std::vector<Offer> offers;
  while (true) {
    SKY_ASSIGN_OR_RETURN(const bool row, stmt.Step());
    if (!row) return offers;
    SKY_ASSIGN_OR_RETURN(Offer offer, ReadOfferRow(stmt));
    offers.push_back(std::move(offer));
  }
}

Result<std::vector<PricePoint>> SqliteOfferStore::PriceHistory(const OfferId& id,
                                                               const std::string& from,
                                                               const std::string& to) const {
  MutexLock lock(mu_);
  {
    SKY_ASSIGN_OR_RETURN(Statement exists, db_->Prepare(kOfferExists));
    SKY_ASSIGN_OR_RETURN(const bool found, exists.Bind(1, id).Step());
    if (!found) return Status::NotFound("no offer with id \"" + id + "\"");
  }
  SKY_ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(kSelectHistory));
  stmt.Bind(1, id).Bind(2, from).Bind(3, to);
  std::vector<PricePoint> points;
  while (true) {
    SKY_ASSIGN_OR_RETURN(const bool row, stmt.Step());
    if (!row) return points;
    points.push_back({id, stmt.Double(1), stmt.Text(0), stmt.Text(2)});
  }
}

Result<int64_t> SqliteOfferStore::CountOffers() const {
  MutexLock lock(mu_);
  SKY_ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(kCountOffers));
  SKY_ASSIGN_OR_RETURN(const bool row, stmt.Step());
  if (!row) return Status::Internal("COUNT(*) returned no row");
  return stmt.Int(0);
}

}  // namespace sky::catalog
