package dev.pondhouse.server.config;

/** Bad configuration: the message names the key, the value and the reason. Stops start-up. */
public class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
