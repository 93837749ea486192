package dev.pondhouse.security;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.shiro.authc.credential.PasswordService;

/** Checks passwords with a real password service and records which stored hashes were checked. */
final class CountingPasswordService implements PasswordService {
    private final PasswordService delegate;
    private final List<String> checkedHashes = new CopyOnWriteArrayList<>();

    CountingPasswordService(PasswordService delegate) {
        this.delegate = requireNonNull(delegate, "delegate is null");
    }

    @Override
    public String encryptPassword(Object plaintextPassword) {
        return delegate.encryptPassword(plaintextPassword);
    }

    @Override
    public boolean passwordsMatch(Object submittedPlaintext, String encrypted) {
        checkedHashes.add(encrypted);
        return delegate.passwordsMatch(submittedPlaintext, encrypted);
    }

    /** The stored hashes that passwords were checked against, in order. */
    List<String> checkedHashes() {
        return List.copyOf(checkedHashes);
    }
}
