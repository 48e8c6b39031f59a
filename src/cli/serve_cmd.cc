// serve_cmd.cc: `veille serve`, the HTTP JSON API and the web UI.
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <thread>

#include "cli/cli.h"
#include "veille/server.h"

namespace veille::cli {

Runner RegisterServe(CLI::App& sub, const Common& common);

Runner RegisterServe(CLI::App& sub, const Common& common) {
  auto o = std::make_shared<ServerOptions>();
  sub.add_option("--bind", o->bind, "Address to listen on (loopback unless told otherwise)")
      ->capture_default_str();
  sub.add_option("--port", o->port, "TCP port (0 picks a free one)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  sub.add_option("--web", o->web_dir, "Folder of the web UI (default: the installed one)");
  sub.add_option("--threads", o->threads, "Worker threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  sub.add_option("--cache-mb", o->cache_mb,
                 "Memory for cached API answers in MiB (0 disables; cleared when the archive "
                 "changes)")
      ->capture_default_str()
      ->check(CLI::Range(0, 4096));
  return [o, &common]() -> int {
    // SIGINT and SIGTERM are taken by one thread with sigwait(), blocked in
    // every other thread (the mask is inherited by the server's threads), so
    // shutdown runs as ordinary code rather than in a signal handler.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);

    ServerOptions options = *o;
    options.db = common.db;
    auto server = Server::Start(options);
    if (!server.ok()) return Fail(server.error());
    Server* s = server->get();
    std::fprintf(stderr, "veille: serving %s on http://%s:%d/ (Ctrl-C stops)\n", common.db.c_str(),
                 options.bind.c_str(), s->port());
    if (options.bind != "127.0.0.1" && options.bind != "localhost" && options.bind != "::1")
      std::fprintf(stderr,
                   "veille: warning: listening beyond loopback; the API has no access control\n");
    std::fflush(stderr);

    std::thread signals([&set, s] {
      int sig = 0;
      sigwait(&set, &sig);
      s->Stop();
    });
    Status st = s->Wait();
    // Wake the signal thread if the server stopped on its own.
    pthread_kill(signals.native_handle(), SIGTERM);
    signals.join();
    server->reset();
    std::fprintf(stderr, "veille: server stopped\n");
    if (!st.ok()) return Fail(st.error());
    return kExitOk;
  };
}

}  // namespace veille::cli
