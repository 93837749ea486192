package dev.pondhouse.security;

import static java.util.Objects.requireNonNull;

import java.util.function.Supplier;
import org.apache.shiro.authc.AuthenticationInfo;
import org.apache.shiro.authc.AuthenticationToken;
import org.apache.shiro.authc.SimpleAuthenticationInfo;
import org.apache.shiro.authc.UsernamePasswordToken;
import org.apache.shiro.authz.AuthorizationInfo;
import org.apache.shiro.authz.SimpleAuthorizationInfo;
import org.apache.shiro.realm.AuthorizingRealm;
import org.apache.shiro.subject.PrincipalCollection;

/**
 * A Shiro realm over an already-checked {@link IniUserFile}. Shiro's own {@code IniRealm} is not used:
 * its reader loses line numbers, silently keeps the last of two entries for one user, ignores unknown
 * sections, and logs every entry, hash included, at trace level.
 *
 * <p>Thread-safe: each call takes the users in force from the supplier once and reads only that immutable
 * file; caching is off (there is nothing slower behind it to cache, and a cache would outlive a reload).
 */
final class IniAccountRealm extends AuthorizingRealm {
    static final String NAME = "pondhouse-users-file";

    private final Supplier<IniUserFile> usersInForce;

    /**
     * @param usersInForce the users to answer from, asked once per call
     *     ({@link ShiroLogin} sets the credentials matcher)
     */
    IniAccountRealm(Supplier<IniUserFile> usersInForce) {
        this.usersInForce = requireNonNull(usersInForce, "usersInForce is null");
        setName(NAME);
        setCachingEnabled(false);
        setAuthenticationTokenClass(UsernamePasswordToken.class);
    }

    /** The stored hash of the user, or null (Shiro's "unknown account") when there is no such user. */
    @Override
    protected AuthenticationInfo doGetAuthenticationInfo(AuthenticationToken token) {
        String user = ((UsernamePasswordToken) token).getUsername();
        return usersInForce.get().account(user)
                .map(account -> new SimpleAuthenticationInfo(account.name(), account.passwordHash(), getName()))
                .orElse(null);
    }

    @Override
    protected AuthorizationInfo doGetAuthorizationInfo(PrincipalCollection principals) {
        String user = (String) getAvailablePrincipal(principals);
        SimpleAuthorizationInfo info = new SimpleAuthorizationInfo();
        IniUserFile userFile = usersInForce.get();
        userFile.account(user).ifPresent(account -> {
            info.setRoles(account.roles());
            info.setStringPermissions(userFile.permissionsOf(account.roles()));
        });
        return info;
    }
}
