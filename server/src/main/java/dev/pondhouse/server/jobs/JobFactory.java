package dev.pondhouse.server.jobs;

/**
 * Makes a {@link Job} from a request, checking its parameters. Registered under a name in the
 * {@link JobRegistry} through a {@link JobDefinition}.
 */
@FunctionalInterface
public interface JobFactory {
    /**
     * @param request the job name, the target table (already checked against the definition's
     *     {@link JobDefinition.TableArgument}) and the parameters
     * @return the job, not yet started; creating it must not change anything
     * @throws dev.pondhouse.server.error.PondhouseException a user error (HTTP 400) naming the bad
     *     parameter and what is expected, or not found (404) for a thing the parameters name
     */
    Job create(JobRequest request);
}
