package dev.pondhouse.server.cli;

import dev.pondhouse.security.InvalidUserFileException;
import dev.pondhouse.security.JdbcUserAuthenticator;
import dev.pondhouse.security.JwtUserAuthenticator;
import dev.pondhouse.security.JwtVerifier;
import dev.pondhouse.security.LoginThrottle;
import dev.pondhouse.security.ShiroUserAuthenticator;
import dev.pondhouse.security.UserAuthenticator;
import dev.pondhouse.security.UserDatabaseException;
import dev.pondhouse.security.UsersFileWatcher;
import dev.pondhouse.server.PondhouseServer;
import dev.pondhouse.server.config.AuthSection;
import dev.pondhouse.server.config.ConfigException;
import dev.pondhouse.server.config.JwtSection;
import dev.pondhouse.server.config.ServerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code pondhouse serve --config FILE}: runs a configured server. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Runs a configured server until stopped (SIGTERM or Ctrl-C stops it gracefully).",
                "Configuration: YAML file, then PONDHOUSE_<SECTION>_<KEY> environment variables, then --set options."})
public final class ServeCommand implements Callable<Integer> {
    private static final Duration USERS_POLL_INTERVAL = Duration.ofSeconds(5);

    @Mixin
    ConfigOptions configuration = new ConfigOptions();

    @Override
    public Integer call() throws Exception {
        ServerConfig loaded;
        Users users;
        try {
            loaded = configuration.load();
            users = passwordUsers(loaded.auth());
            try {
                users = new Users(withJwt(users.authenticator(), loaded.auth().jwt()), users.watcher());
            } catch (ConfigException e) {
                users.watcher().ifPresent(UsersFileWatcher::close);
                throw e;
            }
        } catch (ConfigException | InvalidUserFileException | UserDatabaseException e) {
            System.err.println("pondhouse: " + e.getMessage());
            return 2;
        }
        try {
            PondhouseServer server = new PondhouseServer(loaded, users.authenticator());
            server.start();
            System.out.println("Pondhouse is serving Flight SQL on " + loaded.flight().host() + ":" + server.port());
            ServerRunner.runUntilStopped(server);
        } finally {
            users.watcher().ifPresent(UsersFileWatcher::close);
        }
        return 0;
    }

    /**
     * The users of {@code auth.users-file} (watched for changes) or of {@code auth.users-jdbc}, checked.
     *
     * @throws ConfigException if neither is set, or the database password file cannot be read
     */
    private static Users passwordUsers(AuthSection auth) {
        if (auth.usersFile().isPresent()) {
            Path usersFile = auth.usersFile().get();
            ShiroUserAuthenticator authenticator = ShiroUserAuthenticator.fromIniFile(usersFile);
            UsersFileWatcher watcher = new UsersFileWatcher(usersFile, authenticator, USERS_POLL_INTERVAL);
            watcher.start();
            return new Users(authenticator, Optional.of(watcher));
        }
        if (auth.usersJdbc().configured()) {
            JdbcUserAuthenticator authenticator;
            try {
                authenticator = JdbcUserAuthenticator.create(auth.usersJdbc().userDatabase(), LoginThrottle.withDefaults(),
                        auth.usersJdbc().cacheTime(), Clock.systemUTC());
            } catch (IOException e) {
                throw new ConfigException(e.getMessage(), e);
            }
            authenticator.start();
            return new Users(authenticator, Optional.empty());
        }
        throw new ConfigException("no users: set auth.users-file (create one with 'pondhouse hash-password') or"
                + " auth.users-jdbc.url (see the README's security chapter)");
    }

    /**
     * {@code users}, plus the users of bearer JWTs when {@code auth.jwt} is set.
     *
     * @throws ConfigException if the JWKS file is missing or wrong
     */
    private static UserAuthenticator withJwt(UserAuthenticator users, JwtSection jwt) {
        if (!jwt.configured()) {
            return users;
        }
        JwtVerifier verifier = new JwtVerifier(jwt.trustedIssuer(), Clock.systemUTC());
        try {
            verifier.start();
        } catch (IllegalArgumentException e) {
            throw new ConfigException("auth.jwt.jwks-file: " + e.getMessage(), e);
        }
        return new JwtUserAuthenticator(users, verifier, Clock.systemUTC());
    }

    /** Who may log in, and the watcher that keeps the users file's users current, when there is one. */
    private record Users(UserAuthenticator authenticator, Optional<UsersFileWatcher> watcher) {}
}
