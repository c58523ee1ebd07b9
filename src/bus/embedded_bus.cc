#include "bus/embedded_bus.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

namespace ctem::bus {
namespace {

constexpr auto kMemberTimeout = std::chrono::seconds(10);
constexpr auto kIdleSleep = std::chrono::milliseconds(10);

template <typename F>
auto Guard(std::string_view what, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const SQLite::Exception& e) {
    return Fail(Error::Unavailable("embedded bus: " + std::string(what) + ": " + e.what()));
  } catch (const std::exception& e) {
    return Fail(Error::Internal("embedded bus: " + std::string(what) + ": " + e.what()));
  }
}

// Writers of one bus in one process (the gateway's appends, the stages' offset commits and
// heartbeats in `ctem serve`) take this before SQLite's write lock. Left to SQLite alone, a
// writer that finds the lock held sleeps in its busy handler for 1, 2, 5, 10... ms whatever
// the holder does (measured: p99 54-74 ms for a gateway POST inside `serve`); a mutex hands
// the lock over as soon as it is free. Writers in other processes still meet the busy
// timeout. Shared by the bus and every producer and consumer, which may outlive it.
using WriteGate = std::shared_ptr<std::mutex>;

std::unique_ptr<SQLite::Database> Connect(const std::string& path) {
  auto db = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db->setBusyTimeout(10000);
  db->exec("PRAGMA journal_mode = WAL");
  db->exec("PRAGMA synchronous = FULL");
  return db;
}

void EnsureSchema(SQLite::Database& db) {
  db.exec(
      "CREATE TABLE IF NOT EXISTS bus_topics (name TEXT PRIMARY KEY, partitions INTEGER NOT NULL, "
      "retention_ms INTEGER NOT NULL DEFAULT -1, cleanup_policy TEXT NOT NULL DEFAULT 'delete');"
      "CREATE TABLE IF NOT EXISTS bus_partitions (topic TEXT NOT NULL, partition INTEGER NOT NULL, "
      "next_offset INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (topic, partition)) WITHOUT ROWID;"
      "CREATE TABLE IF NOT EXISTS bus_messages (topic TEXT NOT NULL, partition INTEGER NOT NULL, "
      "offset INTEGER NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, headers TEXT NOT NULL DEFAULT '[]', "
      "ts TEXT NOT NULL, PRIMARY KEY (topic, partition, offset)) WITHOUT ROWID;"
      "CREATE TABLE IF NOT EXISTS bus_offsets (group_id TEXT NOT NULL, topic TEXT NOT NULL, partition INTEGER "
      "NOT NULL, committed INTEGER NOT NULL, PRIMARY KEY (group_id, topic, partition)) WITHOUT ROWID;"
      "CREATE TABLE IF NOT EXISTS bus_members (group_id TEXT NOT NULL, member_id TEXT NOT NULL, "
      "heartbeat_ms INTEGER NOT NULL, PRIMARY KEY (group_id, member_id)) WITHOUT ROWID;");
}

long long NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string HeadersJson(const Headers& h) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& [k, v] : h) j.push_back({k, v});
  return j.dump();
}

Headers HeadersFromJson(const std::string& text) {
  Headers out;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_array()) return out;
  for (const auto& kv : j) {
    if (kv.is_array() && kv.size() == 2 && kv[0].is_string() && kv[1].is_string()) {
      out.emplace_back(kv[0].get<std::string>(), kv[1].get<std::string>());
    }
  }
  return out;
}

class EmbeddedProducer final : public Producer {
 public:
  EmbeddedProducer(std::unique_ptr<SQLite::Database> db, WriteGate gate) : db_(std::move(db)), gate_(std::move(gate)) {}

  Status Publish(std::span<const OutgoingMessage> messages, std::chrono::milliseconds timeout) override {
    (void)timeout;  // a local transaction either commits within the busy timeout or fails
    return Guard("publish", [&]() -> Status {
      std::lock_guard<std::mutex> gate(*gate_);
      SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
      SQLite::Statement parts(*db_, "SELECT partitions FROM bus_topics WHERE name = ?");
      SQLite::Statement next(*db_, "SELECT next_offset FROM bus_partitions WHERE topic = ? AND partition = ?");
      SQLite::Statement bump(*db_, "UPDATE bus_partitions SET next_offset = ? WHERE topic = ? AND partition = ?");
      SQLite::Statement insert(*db_,
                               "INSERT INTO bus_messages (topic, partition, offset, key, value, headers, ts) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?)");
      std::map<std::string, int32_t> partitions;
      std::map<std::pair<std::string, int32_t>, int64_t> offsets;
      const std::string ts = FormatTimestamp(SystemClock().Now());
      for (const OutgoingMessage& m : messages) {
        auto p = partitions.find(m.topic);
        if (p == partitions.end()) {
          parts.reset();
          parts.bind(1, m.topic);
          if (!parts.executeStep()) {
            return Fail(Error::FailedPrecondition("embedded bus: topic '" + m.topic +
                                                  "' does not exist (run `ctem topics create`)"));
          }
          p = partitions.emplace(m.topic, parts.getColumn(0).getInt()).first;
        }
        const int32_t partition = PartitionForKey(m.key, p->second);
        auto o = offsets.find({m.topic, partition});
        if (o == offsets.end()) {
          next.reset();
          next.bind(1, m.topic);
          next.bind(2, partition);
          next.executeStep();
          o = offsets.emplace(std::make_pair(m.topic, partition), next.getColumn(0).getInt64()).first;
        }
        insert.reset();
        insert.bind(1, m.topic);
        insert.bind(2, partition);
        insert.bind(3, static_cast<int64_t>(o->second));
        insert.bind(4, m.key);
        insert.bind(5, m.value.data(), static_cast<int>(m.value.size()));
        insert.bind(6, HeadersJson(m.headers));
        insert.bind(7, ts);
        insert.exec();
        ++o->second;
      }
      for (const auto& [tp, offset] : offsets) {
        bump.reset();
        bump.bind(1, static_cast<int64_t>(offset));
        bump.bind(2, tp.first);
        bump.bind(3, tp.second);
        bump.exec();
      }
      tx.commit();  // synchronous=FULL: on disk when this returns
      return {};
    });
  }

 private:
  std::unique_ptr<SQLite::Database> db_;
  WriteGate gate_;
};

class EmbeddedConsumer final : public Consumer {
 public:
  EmbeddedConsumer(std::unique_ptr<SQLite::Database> db, WriteGate gate, std::string group,
                   std::vector<std::string> topics)
      : db_(std::move(db)), gate_(std::move(gate)), group_(std::move(group)), topics_(std::move(topics)) {
    std::random_device rd;
    member_ = std::to_string(getpid()) + "-" + std::to_string(rd());
  }

  ~EmbeddedConsumer() override {
    try {
      SQLite::Statement leave(*db_, "DELETE FROM bus_members WHERE group_id = ? AND member_id = ?");
      leave.bind(1, group_);
      leave.bind(2, member_);
      std::lock_guard<std::mutex> gate(*gate_);
      leave.exec();
    } catch (const std::exception&) {
      // Leaving is a courtesy: a member that does not heartbeat expires anyway.
    }
  }

  Result<std::vector<Message>> Poll(size_t max, std::chrono::milliseconds wait) override {
    const auto deadline = std::chrono::steady_clock::now() + wait;
    while (true) {
      auto batch = Guard("poll", [&]() -> Result<std::vector<Message>> { return PollOnce(max); });
      if (!batch || !batch->empty() || std::chrono::steady_clock::now() >= deadline) return batch;
      std::this_thread::sleep_for(kIdleSleep);
    }
  }

  Status Commit(std::span<const Message> processed) override {
    return Guard("commit", [&]() -> Status {
      std::map<std::pair<std::string, int32_t>, int64_t> next;
      for (const Message& m : processed) {
        auto& n = next[{m.topic, m.partition}];
        n = std::max(n, m.offset + 1);
      }
      std::lock_guard<std::mutex> gate(*gate_);
      SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
      SQLite::Statement up(*db_,
                           "INSERT INTO bus_offsets (group_id, topic, partition, committed) VALUES (?, ?, ?, ?) "
                           "ON CONFLICT (group_id, topic, partition) DO UPDATE SET committed = "
                           "MAX(committed, excluded.committed)");
      for (const auto& [tp, offset] : next) {
        up.reset();
        up.bind(1, group_);
        up.bind(2, tp.first);
        up.bind(3, tp.second);
        up.bind(4, static_cast<int64_t>(offset));
        up.exec();
      }
      tx.commit();
      return {};
    });
  }

 private:
  // Heartbeats, recomputes this member's partitions among the live members, and reads.
  Result<std::vector<Message>> PollOnce(size_t max) {
    const long long now = NowMs();
    if (now - last_heartbeat_ms_ > 1000) {
      SQLite::Statement hb(*db_,
                           "INSERT INTO bus_members (group_id, member_id, heartbeat_ms) VALUES (?, ?, ?) "
                           "ON CONFLICT (group_id, member_id) DO UPDATE SET heartbeat_ms = excluded.heartbeat_ms");
      hb.bind(1, group_);
      hb.bind(2, member_);
      hb.bind(3, static_cast<int64_t>(now));
      {
        std::lock_guard<std::mutex> gate(*gate_);
        hb.exec();
      }
      last_heartbeat_ms_ = now;
      Reassign(now);
    }
    std::vector<Message> out;
    SQLite::Statement read(*db_,
                           "SELECT offset, key, value, headers, ts FROM bus_messages WHERE topic = ? AND "
                           "partition = ? AND offset >= ? ORDER BY offset LIMIT ?");
    // Round-robin over the assigned partitions so that one busy partition cannot starve others.
    const size_t n = assigned_.size();
    for (size_t k = 0; k < n && out.size() < max; ++k) {
      auto& [tp, position] = assigned_[(rr_ + k) % n];
      read.reset();
      read.bind(1, tp.first);
      read.bind(2, tp.second);
      read.bind(3, static_cast<int64_t>(position));
      read.bind(4, static_cast<int64_t>(max - out.size()));
      while (read.executeStep()) {
        Message m;
        m.topic = tp.first;
        m.partition = tp.second;
        m.offset = read.getColumn(0).getInt64();
        m.key = read.getColumn(1).getString();
        const SQLite::Column v = read.getColumn(2);
        m.value.assign(static_cast<const char*>(v.getBlob()), static_cast<size_t>(v.getBytes()));
        m.headers = HeadersFromJson(read.getColumn(3).getString());
        m.ts = ParseTimestamp(read.getColumn(4).getString()).value_or(Timestamp{});
        position = m.offset + 1;
        out.push_back(std::move(m));
      }
    }
    rr_ = n ? (rr_ + 1) % n : 0;
    return out;
  }

  void Reassign(long long now) {
    SQLite::Statement members(*db_,
                              "SELECT member_id FROM bus_members WHERE group_id = ? AND heartbeat_ms > ? "
                              "ORDER BY member_id");
    members.bind(1, group_);
    members.bind(2, static_cast<int64_t>(now - std::chrono::duration_cast<std::chrono::milliseconds>(kMemberTimeout).count()));
    std::vector<std::string> live;
    while (members.executeStep()) live.push_back(members.getColumn(0).getString());
    const auto me = std::find(live.begin(), live.end(), member_);
    const size_t index = static_cast<size_t>(me - live.begin());
    std::vector<std::pair<std::string, int32_t>> all;
    SQLite::Statement parts(*db_, "SELECT partitions FROM bus_topics WHERE name = ?");
    for (const auto& t : topics_) {
      parts.reset();
      parts.bind(1, t);
      if (!parts.executeStep()) continue;
      for (int32_t p = 0; p < parts.getColumn(0).getInt(); ++p) all.emplace_back(t, p);
    }
    std::vector<std::pair<std::pair<std::string, int32_t>, int64_t>> next;
    SQLite::Statement committed(*db_,
                                "SELECT committed FROM bus_offsets WHERE group_id = ? AND topic = ? AND partition = ?");
    for (size_t i = 0; i < all.size(); ++i) {
      if (live.empty() || i % live.size() != index) continue;
      // Keep the in-memory position of a partition we already own; start a new one at the
      // group's committed offset.
      auto kept = std::find_if(assigned_.begin(), assigned_.end(), [&](const auto& a) { return a.first == all[i]; });
      if (kept != assigned_.end()) {
        next.push_back(*kept);
        continue;
      }
      committed.reset();
      committed.bind(1, group_);
      committed.bind(2, all[i].first);
      committed.bind(3, all[i].second);
      next.emplace_back(all[i], committed.executeStep() ? committed.getColumn(0).getInt64() : 0);
    }
    assigned_ = std::move(next);
  }

  std::unique_ptr<SQLite::Database> db_;
  WriteGate gate_;
  std::string group_;
  std::vector<std::string> topics_;
  std::string member_;
  long long last_heartbeat_ms_ = 0;
  std::vector<std::pair<std::pair<std::string, int32_t>, int64_t>> assigned_;  // partition -> next offset
  size_t rr_ = 0;
};

class EmbeddedBus final : public Bus {
 public:
  explicit EmbeddedBus(std::string path) : path_(std::move(path)), gate_(std::make_shared<std::mutex>()) {}

  Result<std::unique_ptr<Producer>> CreateProducer() override {
    return Guard("producer", [&]() -> Result<std::unique_ptr<Producer>> {
      return std::unique_ptr<Producer>(std::make_unique<EmbeddedProducer>(Connect(path_), gate_));
    });
  }

  Result<std::unique_ptr<Consumer>> CreateConsumer(const std::string& group,
                                                   const std::vector<std::string>& topics) override {
    return Guard("consumer", [&]() -> Result<std::unique_ptr<Consumer>> {
      return std::unique_ptr<Consumer>(std::make_unique<EmbeddedConsumer>(Connect(path_), gate_, group, topics));
    });
  }

  Result<std::vector<std::string>> CreateTopics(const std::vector<TopicSpec>& topics) override {
    return Guard("create topics", [&]() -> Result<std::vector<std::string>> {
      auto db = Connect(path_);
      std::lock_guard<std::mutex> gate(*gate_);
      SQLite::Transaction tx(*db, SQLite::TransactionBehavior::IMMEDIATE);
      std::vector<std::string> lines;
      for (const TopicSpec& t : topics) {
        SQLite::Statement exists(*db, "SELECT partitions FROM bus_topics WHERE name = ?");
        exists.bind(1, t.name);
        if (exists.executeStep()) {
          lines.push_back(t.name + ": exists (" + std::to_string(exists.getColumn(0).getInt()) + " partitions)");
          continue;
        }
        SQLite::Statement ins(*db,
                              "INSERT INTO bus_topics (name, partitions, retention_ms, cleanup_policy) VALUES (?,?,?,?)");
        ins.bind(1, t.name);
        ins.bind(2, t.partitions);
        ins.bind(3, static_cast<int64_t>(t.retention_ms));
        ins.bind(4, t.cleanup_policy);
        ins.exec();
        for (int p = 0; p < t.partitions; ++p) {
          SQLite::Statement part(*db, "INSERT OR IGNORE INTO bus_partitions (topic, partition) VALUES (?, ?)");
          part.bind(1, t.name);
          part.bind(2, p);
          part.exec();
        }
        std::string line = t.name + ": created (" + std::to_string(t.partitions) + " partitions)";
        if (t.replication_factor > 1) {
          line += "; replication_factor " + std::to_string(t.replication_factor) +
                  " > 1 (the embedded bus is one file); clamped to 1";
        }
        lines.push_back(line);
      }
      tx.commit();
      return lines;
    });
  }

  Result<std::vector<std::string>> ListTopics() override {
    return Guard("list topics", [&]() -> Result<std::vector<std::string>> {
      auto db = Connect(path_);
      SQLite::Statement q(*db, "SELECT name FROM bus_topics ORDER BY name");
      std::vector<std::string> out;
      while (q.executeStep()) out.push_back(q.getColumn(0).getString());
      return out;
    });
  }

  Result<std::vector<PartitionLag>> GroupLag(const std::string& group,
                                             const std::vector<std::string>& topics) override {
    return Guard("lag", [&]() -> Result<std::vector<PartitionLag>> {
      auto db = Connect(path_);
      std::vector<PartitionLag> out;
      SQLite::Statement q(*db,
                          "SELECT p.partition, p.next_offset, o.committed FROM bus_partitions p LEFT JOIN "
                          "bus_offsets o ON o.group_id = ? AND o.topic = p.topic AND o.partition = p.partition "
                          "WHERE p.topic = ? ORDER BY p.partition");
      for (const auto& t : topics) {
        q.reset();
        q.bind(1, group);
        q.bind(2, t);
        while (q.executeStep()) {
          PartitionLag l;
          l.topic = t;
          l.partition = q.getColumn(0).getInt();
          l.end = q.getColumn(1).getInt64();
          l.committed = q.getColumn(2).isNull() ? -1 : q.getColumn(2).getInt64();
          out.push_back(l);
        }
      }
      return out;
    });
  }

 private:
  std::string path_;
  WriteGate gate_;
};

}  // namespace

int32_t PartitionForKey(std::string_view key, int32_t partitions) {
  if (partitions <= 1) return 0;
  uint32_t h = 2166136261u;
  for (char c : key) {
    h ^= static_cast<unsigned char>(c);
    h *= 16777619u;
  }
  return static_cast<int32_t>(h % static_cast<uint32_t>(partitions));
}

Result<std::unique_ptr<Bus>> OpenEmbeddedBus(const std::string& sqlite_path) {
  return Guard("open '" + sqlite_path + "'", [&]() -> Result<std::unique_ptr<Bus>> {
    auto db = Connect(sqlite_path);
    EnsureSchema(*db);
    return std::unique_ptr<Bus>(std::make_unique<EmbeddedBus>(sqlite_path));
  });
}

}  // namespace ctem::bus
