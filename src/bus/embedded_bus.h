// EmbeddedBus: the Bus as durable log tables in a SQLite file (the engine's own file in the
// embedded deployment), with Kafka's semantics: per-topic partitions, messages keyed to a
// partition, offsets committed per consumer group, and group members sharing partitions.
//
// Why not a queue table: a log with committed offsets lets several groups (normaliser,
// persister, jobs) read the same topic independently and lets a restarted stage resume
// exactly where its last durable output left off (erratum 15).
//
// Thread-safety: the Bus may be shared; each Producer/Consumer owns its own SQLite connection
// and is used by one thread at a time. Several processes may share the file.
#pragma once

#include <memory>
#include <string>

#include "bus/bus.h"

namespace ctem::bus {

Result<std::unique_ptr<Bus>> OpenEmbeddedBus(const std::string& sqlite_path);

// Stable partition of a key among `partitions` (FNV-1a), as Kafka's default partitioner
// keeps one key in one partition.
int32_t PartitionForKey(std::string_view key, int32_t partitions);

}  // namespace ctem::bus
