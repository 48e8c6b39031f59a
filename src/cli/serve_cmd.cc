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
  sub.add_option("--tls-cert", o->tls_cert, "TLS certificate chain (PEM); with --tls-key")
      ->check(CLI::ExistingFile);
  sub.add_option("--tls-key", o->tls_key, "TLS private key (PEM); with --tls-cert")
      ->check(CLI::ExistingFile);
  sub.add_flag("--insecure-no-auth", o->insecure_no_auth,
               "Allow listening beyond loopback on an archive without accounts (anyone who "
               "can reach the port reads the archive)");
  sub.add_option("--trusted-proxy", o->trusted_proxies,
                 "Address of a reverse proxy whose X-Forwarded-For and X-Forwarded-Proto are "
                 "believed (repeatable)");
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
    const bool tls = !options.tls_cert.empty();
    const bool v6 = options.bind.find(':') != std::string::npos;
    std::fprintf(stderr, "veille: serving %s on %s://%s%s%s:%d/ (Ctrl-C stops)\n",
                 common.db.c_str(), tls ? "https" : "http", v6 ? "[" : "", options.bind.c_str(),
                 v6 ? "]" : "", s->port());
    if (s->auth_on()) {
      std::fprintf(stderr,
                   "veille: authentication on: every API request needs a token or a login; "
                   "what each account does goes to the audit log (veille audit)\n");
    } else if (options.insecure_no_auth) {
      std::fprintf(stderr,
                   "veille: WARNING: --insecure-no-auth: no authentication, and listening on %s: "
                   "anyone who can reach this port can read the whole archive\n",
                   options.bind.c_str());
    }
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
