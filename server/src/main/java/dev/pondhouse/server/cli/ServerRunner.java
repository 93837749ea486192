package dev.pondhouse.server.cli;

import dev.pondhouse.server.PondhouseServer;
import java.util.concurrent.CountDownLatch;

/** Runs a started server until the process is told to stop (SIGTERM, SIGINT), then stops it gracefully. */
final class ServerRunner {
    private ServerRunner() {}

    static void runUntilStopped(PondhouseServer server) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "pondhouse-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        stopped.await();
    }
}
