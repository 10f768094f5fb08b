// Crash safety of acknowledged appends: a child process (crash_child.cc)
// appends to a log and acknowledges each append on stdout; the test SIGKILLs
// it at random moments, sometimes while it is still recovering, then
// recovers the log itself as a broker restarting without a clean-shutdown
// marker or recovery-point checkpoint would, and checks that every
// acknowledged offset is there, offsets run contiguously from 0 and every
// batch's CRC holds. The child is then restarted on the same directory.
//
// A process kill loses nothing already written to the page cache, so this
// is what acks=1 promises without flush.messages; power loss is the
// recovery tests' business (recovery_test.cc).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "storage/log/log.h"
#include "tests/storage/storage_test_util.h"

extern char** environ;

namespace sluice::storage {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr int kRounds = 50;
constexpr auto kTimeBudget = std::chrono::seconds(50);
constexpr double kChildBytesPerSecond = 16e6;

// The child program: SLUICE_CRASH_CHILD in the environment, else the path
// the build passes in.
std::string crash_child_path() {
  if (const char* env = std::getenv("SLUICE_CRASH_CHILD")) return env;
#ifdef SLUICE_CRASH_CHILD
  return SLUICE_CRASH_CHILD;
#else
  return {};
#endif
}

// A child process whose stdout the test reads line by line.
class Child {
 public:
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  Child(Child&& o) noexcept : lines(std::move(o.lines)), pid_(o.pid_), fd_(o.fd_), partial_(std::move(o.partial_)) {
    o.pid_ = o.fd_ = -1;
  }

  static std::optional<Child> spawn(const std::string& path, const std::vector<std::string>& args) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return std::nullopt;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    std::vector<std::string> all = {path};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = -1;
    const int err = ::posix_spawn(&pid, path.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    if (err != 0) {
      ::close(fds[0]);
      return std::nullopt;
    }
    return Child(pid, fds[0]);
  }

  ~Child() {
    if (pid_ > 0) kill_and_reap();
    if (fd_ >= 0) ::close(fd_);
  }

  // Reads what the child writes until `deadline`; false once its stdout closed.
  bool pump_until(Clock::time_point deadline) {
    while (fd_ >= 0) {
      const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) return true;
      pollfd p{fd_, POLLIN, 0};
      const int n = ::poll(&p, 1, static_cast<int>(left));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return true;
      if (!read_some()) return false;
    }
    return false;
  }

  // Pumps until a line starting with `prefix` arrives; false if the child
  // stopped writing or the deadline passed first.
  bool wait_for(std::string_view prefix, Clock::time_point deadline) {
    for (std::size_t seen = 0;;) {
      for (; seen < lines.size(); ++seen) {
        if (lines[seen].starts_with(prefix)) return true;
      }
      if (Clock::now() >= deadline) return false;
      if (!pump_until(std::min(deadline, Clock::now() + milliseconds(10)))) return false;
    }
  }

  // SIGKILL, reap, then read everything the child had written. Returns the
  // wait status.
  int kill_and_reap() {
    int status = 0;
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      pid_ = -1;
    }
    while (fd_ >= 0 && read_some()) {
    }
    return status;
  }

  // Complete lines only: a line cut by the kill was never acknowledged.
  std::vector<std::string> lines;

 private:
  Child(pid_t pid, int fd) : pid_(pid), fd_(fd) {}

  bool read_some() {
    char buf[4096];
    const ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) return true;
    if (n <= 0) {
      ::close(fd_);
      fd_ = -1;
      return false;
    }
    partial_.append(buf, static_cast<std::size_t>(n));
    for (std::size_t nl; (nl = partial_.find('\n')) != std::string::npos;) {
      lines.push_back(partial_.substr(0, nl));
      partial_.erase(0, nl + 1);
    }
    return true;
  }

  pid_t pid_ = -1;
  int fd_ = -1;
  std::string partial_;
};

struct Verified {
  std::int64_t log_end_offset = 0;
  std::int64_t batches = 0;
  std::uint64_t bytes = 0;
};

// Recovers the log as a broker would after the crash and walks every batch.
Verified recover_and_verify(const std::filesystem::path& dir, Scheduler& scheduler) {
  Verified v;
  SystemClock clock;
  LogOpenOptions options;
  options.had_clean_shutdown = false;
  options.recovery_point = 0;
  auto opened = Log::open(dir, TopicPartition{"crash", 0}, std::make_shared<LogConfig>(), options, clock, scheduler);
  EXPECT_TRUE(opened.ok()) << opened.status().detail;
  if (!opened.ok()) return v;
  const Log& log = **opened;
  v.log_end_offset = log.log_end_offset();
  v.bytes = log.size_in_bytes();
  EXPECT_EQ(log.log_start_offset(), 0);
  std::int64_t next = 0;
  std::vector<std::uint8_t> buf;
  while (next < v.log_end_offset) {
    auto r = log.read(next, 4 << 20, FetchIsolation::kLogEnd, true);
    EXPECT_TRUE(r.ok()) << "offset " << next << ": " << r.status().detail;
    if (!r.ok() || r->records.empty()) {
      ADD_FAILURE() << "nothing to read at offset " << next << " below the log end " << v.log_end_offset;
      return v;
    }
    buf.resize(r->records.length);
    const ssize_t n = ::pread(r->records.file->fd(), buf.data(), buf.size(), static_cast<off_t>(r->records.position));
    EXPECT_EQ(n, static_cast<ssize_t>(buf.size()));
    protocol::EntryIterator it(buf);
    const std::int64_t before = next;
    while (auto entry = it.next()) {
      auto batch = protocol::RecordBatchView::parse(*entry);
      EXPECT_TRUE(batch.ok()) << "offset " << next;
      if (!batch.ok()) return v;
      const protocol::RecordBatchHeader& h = batch->header();
      if (h.last_offset() < next) continue;  // the batch holding the previous read's end
      EXPECT_EQ(h.base_offset, next) << "a gap or overlap in the offsets";
      EXPECT_TRUE(batch->crc_ok()) << "batch at offset " << h.base_offset;
      EXPECT_GT(h.records_count, 0);
      next = h.next_offset();
      ++v.batches;
    }
    if (next == before) {
      ADD_FAILURE() << "no whole batch at offset " << next;
      return v;
    }
  }
  EXPECT_EQ(next, v.log_end_offset);
  return v;
}

TEST(LogCrashTest, AcknowledgedAppendsSurviveSigkillAtRandomMoments) {
  const std::string child_path = crash_child_path();
  if (child_path.empty()) {
    GTEST_SKIP() << "sluice_crash_child not built: set SLUICE_CRASH_CHILD or the compile definition";
  }
  std::uint64_t seed = std::random_device{}();
  if (const char* env = std::getenv("SLUICE_CRASH_SEED")) seed = std::strtoull(env, nullptr, 10);
  std::cout << "[ crash    ] seed " << seed << " (SLUICE_CRASH_SEED to repeat)\n";
  RecordProperty("seed", std::to_string(seed));
  std::mt19937_64 rng(seed);

  testing::TempDir tmp;
  const std::filesystem::path dir = tmp.path() / "crash-0";
  Scheduler scheduler(1);
  const auto started = Clock::now();
  std::int64_t recovered_end = 0;  // what the last recovery found
  std::int64_t max_acked = -1;     // the highest offset any child acknowledged
  int rounds = 0;
  int killed_while_recovering = 0;
  int rounds_with_acks = 0;
  for (; rounds < kRounds && Clock::now() - started < kTimeBudget; ++rounds) {
    SCOPED_TRACE("round " + std::to_string(rounds) + ", seed " + std::to_string(seed));
    auto child = Child::spawn(child_path, {dir.string(), std::to_string(rng()), std::to_string(kChildBytesPerSecond)});
    ASSERT_TRUE(child.has_value()) << "cannot start " << child_path;
    // Most rounds let the child finish recovering first; some kill it while
    // it is still recovering the log.
    const bool during_recovery = rng() % 5 == 0;
    if (!during_recovery) {
      ASSERT_TRUE(child->wait_for("opened ", Clock::now() + std::chrono::seconds(30)))
          << "the child did not open the log";
    }
    const auto sleep = milliseconds(5 + static_cast<int>(rng() % 196));
    const bool still_running = child->pump_until(Clock::now() + sleep);
    const int status = child->kill_and_reap();
    ASSERT_TRUE(still_running && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "the child exited on its own (status " << status << "); see its stderr";

    std::optional<std::int64_t> opened_at;
    std::int64_t last_acked = -1;
    for (const std::string& line : child->lines) {
      if (line.starts_with("opened ")) {
        opened_at = std::stoll(line.substr(7));
      } else if (line.starts_with("appended ")) {
        const std::int64_t acked = std::stoll(line.substr(9));
        EXPECT_GT(acked, last_acked);
        EXPECT_GE(acked, recovered_end);
        last_acked = acked;
      } else {
        ADD_FAILURE() << "unexpected output: " << line;
      }
    }
    if (opened_at) {
      // The child's own recovery found the log exactly as ours left it.
      EXPECT_EQ(*opened_at, recovered_end);
    } else {
      ++killed_while_recovering;
    }
    if (last_acked >= 0) ++rounds_with_acks;
    max_acked = std::max(max_acked, last_acked);

    const Verified v = recover_and_verify(dir, scheduler);
    ASSERT_FALSE(HasFailure());
    ASSERT_GT(v.log_end_offset, max_acked) << "an acknowledged offset was lost";
    ASSERT_GE(v.log_end_offset, recovered_end) << "recovery dropped batches an earlier recovery kept";
    recovered_end = v.log_end_offset;
    if (rounds + 1 == kRounds || Clock::now() - started >= kTimeBudget) {
      std::cout << "[ crash    ] " << rounds + 1 << " kills (" << killed_while_recovering
                << " before the log was open), " << v.batches << " batches, " << v.log_end_offset << " offsets, "
                << v.bytes / 1024 << " KiB, "
                << std::chrono::duration_cast<milliseconds>(Clock::now() - started).count() << " ms\n";
    }
  }
  EXPECT_GE(rounds, 10) << "too few kills within the time budget";
  EXPECT_GE(rounds_with_acks, rounds / 2) << "too few rounds saw an acknowledged append";
}

}  // namespace
}  // namespace sluice::storage
