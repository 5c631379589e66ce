package dev.dhtbeacon.cli;

import dev.dhtbeacon.registry.KeyFile;
import dev.dhtbeacon.registry.KeyPair;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dhtbeacon keygen}: a new Ed25519 key, seed in a 0600 file, public key printed. */
@Command(name = "keygen", mixinStandardHelpOptions = true,
    description = {"Writes a new 32-byte Ed25519 seed (hex, mode 0600) and prints the public "
        + "key: hex on the first line, pk:<z-base32> on the second."})
final class KeygenCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--out", defaultValue = "server.key",
      description = "Key file to create (never overwritten); default ${DEFAULT-VALUE}.")
  Path out;

  @Override
  public Integer call() {
    KeyPair keys = KeyPair.generate();
    try {
      KeyFile.write(out, keys);
    } catch (FileAlreadyExistsException e) {
      spec.commandLine().getErr().println("dhtbeacon keygen: " + out
          + " exists; refusing to overwrite a key");
      return Main.USAGE;
    } catch (IOException e) {
      spec.commandLine().getErr().println("dhtbeacon keygen: cannot write " + out + ": "
          + e.getMessage());
      return Main.USAGE;
    }
    spec.commandLine().getOut().println(keys.publicKey().hex());
    spec.commandLine().getOut().println("pk:" + keys.publicKey().zbase32());
    spec.commandLine().getErr().println("wrote " + out + " (mode 0600)");
    return Main.OK;
  }
}
