package dev.pondhouse.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.BlobServiceClientBuilder;
import dev.pondhouse.server.config.ConfigLoader;
import dev.pondhouse.server.config.ServerConfig;
import dev.pondhouse.server.lake.LakeTableName;
import dev.pondhouse.server.lake.blob.AzuriteServer;
import dev.pondhouse.server.lake.delta.TableData;
import dev.pondhouse.server.lake.delta.WriteRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The lake of a command-line job on an Azure lake (Azurite), and what lands in its throwaway cache. */
@ExtendWith(AzuriteServer.Extension.class)
class CommandLakeTest {
    private static final LakeTableName TABLE = LakeTableName.parse("landing.arrivals");

    @TempDir
    Path folder;

    private ServerConfig config;

    @BeforeEach
    void configure(AzuriteServer azurite) throws Exception {
        String container = AzuriteServer.uniqueContainerName();
        new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient()
                .createBlobContainer(container);
        Path secret = Files.writeString(folder.resolve("connection-string"), azurite.connectionString());
        Path file = Files.writeString(folder.resolve("pondhouse.yaml"), """
                lake:
                  store: azure
                  azure:
                    container: %s
                    prefix: lake/
                    connection-string-file: %s
                cache:
                  directory: %s
                """.formatted(container, secret, folder.resolve("cache")));
        config = new ConfigLoader().load(Optional.of(file), Map.of(), Map.of());
    }

    @Test
    void aWriteOnlyCommandCopiesNoCommittedFileIntoItsCache() throws Exception {
        try (CommandLake lake = CommandLake.openWriteOnly(config, folder.resolve("work"));
                Connection duckdb = DriverManager.getConnection("jdbc:duckdb:")) {
            lake.lake().writer(TABLE).write(duckdb, WriteRequest.create(TableData.query("SELECT range AS id FROM range(3)"),
                    List.of()));
            lake.lake().writer(TABLE).write(duckdb, WriteRequest.append(TableData.query("SELECT 3::BIGINT AS id")));

            assertThat(lake.lake().latest(TABLE).orElseThrow().activeFiles()).hasSize(2);
            assertThat(lake.cache().orElseThrow().statistics().files()).isZero();
            assertThat(files(lake.cache().orElseThrow().directory())).as("nothing on disk in the command's cache")
                    .isZero();
        }
    }

    @Test
    void aCommandThatReadsBackKeepsItsCommittedFilesInItsCache() throws Exception {
        try (CommandLake lake = CommandLake.open(config, folder.resolve("work"));
                Connection duckdb = DriverManager.getConnection("jdbc:duckdb:")) {
            lake.lake().writer(TABLE).write(duckdb, WriteRequest.create(TableData.query("SELECT range AS id FROM range(3)"),
                    List.of()));

            assertThat(lake.cache().orElseThrow().statistics().files()).isEqualTo(1);
        }
    }

    private static long files(Path directory) throws Exception {
        try (Stream<Path> paths = Files.walk(directory)) {
            return paths.filter(Files::isRegularFile).count();
        }
    }
}
