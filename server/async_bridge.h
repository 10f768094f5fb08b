// Awaiting work that completes on another thread (the controller's thread, a
// background flush): the completion callback hops back onto the awaiting
// coroutine's executor, so handlers keep reading top to bottom.
#pragma once

#include <asio/any_io_executor.hpp>
#include <asio/associated_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/post.hpp>
#include <asio/use_awaitable.hpp>
#include <functional>
#include <memory>
#include <utility>

namespace sluice::server {

// `start(done)` begins the work; `done(T)` may be called once, from any thread.
template <class T, class Start>
asio::awaitable<T> await_completion(Start start) {
  co_return co_await asio::async_initiate<const asio::use_awaitable_t<>, void(T)>(
      [start = std::move(start)](auto handler) mutable {
        using Handler = decltype(handler);
        auto executor = asio::get_associated_executor(handler);
        // std::function needs a copyable callable; the handler is move-only.
        auto shared = std::make_shared<Handler>(std::move(handler));
        start(std::function<void(T)>([shared, executor](T result) {
          asio::post(executor,
                     [shared, result = std::move(result)]() mutable { std::move (*shared)(std::move(result)); });
        }));
      },
      asio::use_awaitable);
}

}  // namespace sluice::server
