// ordered_pool.h: a bounded producer -> workers -> in-order consumer pipeline
// (internal to the ingest stage).
//
// A producer thread calls `produce(&item)` until it returns false; worker
// threads map each item with `work`; the calling thread receives results in
// production order through `consume`. Memory is bounded by `window` items in
// flight. If `consume` returns false, production stops and the pool drains.
// If `consumer_wait` is given, it receives the seconds the calling thread
// spent waiting for the next result in order (the workers were behind).
#ifndef VEILLE_INGEST_ORDERED_POOL_H_
#define VEILLE_INGEST_ORDERED_POOL_H_

#include <pthread.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace veille {

template <typename In, typename Out>
void RunOrdered(unsigned workers, size_t window, const std::function<bool(In*)>& produce,
                const std::function<Out(In&)>& work, const std::function<bool(Out&)>& consume,
                double* consumer_wait = nullptr) {
  std::mutex mu;
  std::condition_variable cv_work, cv_done, cv_space;
  std::deque<std::pair<uint64_t, In>> todo;
  std::map<uint64_t, Out> done;
  uint64_t produced = 0, next = 0;
  bool producing = true, stop = false;

  std::thread producer([&] {
    pthread_setname_np(pthread_self(), "veille-read");
    for (;;) {
      In item;
      {
        std::unique_lock lk(mu);
        cv_space.wait(lk, [&] { return stop || produced - next < window; });
        if (stop) break;
      }
      if (!produce(&item)) break;
      std::lock_guard lk(mu);
      todo.emplace_back(produced++, std::move(item));
      cv_work.notify_one();
    }
    std::lock_guard lk(mu);
    producing = false;
    cv_work.notify_all();
    cv_done.notify_all();
  });

  std::vector<std::thread> pool;
  for (unsigned w = 0; w < workers; ++w) {
    pool.emplace_back([&] {
      pthread_setname_np(pthread_self(), "veille-work");
      for (;;) {
        std::pair<uint64_t, In> job;
        {
          std::unique_lock lk(mu);
          cv_work.wait(lk, [&] { return !todo.empty() || !producing || stop; });
          if (todo.empty()) return;
          job = std::move(todo.front());
          todo.pop_front();
        }
        Out out = work(job.second);
        std::lock_guard lk(mu);
        done.emplace(job.first, std::move(out));
        cv_done.notify_all();
      }
    });
  }

  for (;;) {
    std::optional<Out> out;
    {
      std::unique_lock lk(mu);
      auto ready = [&] { return done.count(next) || (!producing && next == produced); };
      if (consumer_wait && !ready()) {
        auto t0 = std::chrono::steady_clock::now();
        cv_done.wait(lk, ready);
        *consumer_wait +=
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      }
      cv_done.wait(lk, ready);
      if (!done.count(next)) break;  // all produced items consumed
      auto it = done.find(next);
      out.emplace(std::move(it->second));
      done.erase(it);
      ++next;
      cv_space.notify_one();
    }
    if (!stop && !consume(*out)) {
      std::lock_guard lk(mu);
      stop = true;
      todo.clear();
      cv_space.notify_all();
      cv_work.notify_all();
      // Items already in flight finish; `next` skips them below.
      break;
    }
  }
  producer.join();
  for (auto& t : pool) t.join();
}

}  // namespace veille

#endif  // VEILLE_INGEST_ORDERED_POOL_H_
