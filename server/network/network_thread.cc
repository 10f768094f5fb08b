#include "server/network/network_thread.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <asio/post.hpp>
#include <csignal>
#include <exception>
#include <string>
#include <utility>
#include <vector>

namespace sluice::server::network {

NetworkThread::NetworkThread(std::size_t index) : index_(index), work_(asio::make_work_guard(context_)) {}

NetworkThread::~NetworkThread() {
  if (thread_.joinable()) stop(std::chrono::steady_clock::now());
}

void NetworkThread::start() {
  thread_ = std::thread([this] { run(); });
}

void NetworkThread::run() {
  // sendfile(2) on a socket the peer has reset raises SIGPIPE (it has no
  // MSG_NOSIGNAL). Blocking it on this thread turns it into plain EPIPE
  // without touching the process-wide disposition.
  sigset_t pipe_only;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_only, nullptr);
  const std::string name = "sluice-net-" + std::to_string(index_);
  pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());

  for (;;) {
    try {
      context_.run();
      break;
    } catch (const std::exception& e) {
      // Sessions catch their own errors; this is a last line of defence.
      spdlog::error("network thread {}: {}", index_, e.what());
    }
  }
  std::lock_guard lock(mutex_);
  finished_ = true;
  finished_cv_.notify_all();
}

void NetworkThread::adopt(asio::ip::tcp::socket socket, ConnectionInfo info, const SessionLimits& limits,
                          RequestHandler& handler, RequestBudget& budget, ConnectionQuotas::Slot slot) {
  const std::uint64_t id = info.id;
  auto session = std::make_shared<Session>(std::move(socket), std::move(info), limits, handler, budget, std::move(slot),
                                           [this](Session& ended) { sessions_.erase(ended.info().id); });
  sessions_.emplace(id, session);
  session->start();
}

void NetworkThread::begin_graceful_close_all() {
  asio::post(context_, [this] {
    // Copy first: a session may finish, and leave the map, while we iterate.
    std::vector<std::shared_ptr<Session>> live;
    for (auto& [id, weak] : sessions_) {
      if (auto session = weak.lock()) live.push_back(std::move(session));
    }
    for (auto& session : live) session->begin_graceful_close();
  });
}

void NetworkThread::close_all() {
  asio::post(context_, [this] {
    std::vector<std::shared_ptr<Session>> live;
    for (auto& [id, weak] : sessions_) {
      if (auto session = weak.lock()) live.push_back(std::move(session));
    }
    for (auto& session : live) session->close("broker shutting down");
  });
}

void NetworkThread::stop(std::chrono::steady_clock::time_point deadline) {
  if (!thread_.joinable()) return;
  asio::post(context_, [this] { work_.reset(); });
  {
    std::unique_lock lock(mutex_);
    if (!finished_cv_.wait_until(lock, deadline, [this] { return finished_; })) {
      spdlog::warn("network thread {}: work left at shutdown, stopping it", index_);
      context_.stop();
    }
  }
  thread_.join();
}

}  // namespace sluice::server::network
