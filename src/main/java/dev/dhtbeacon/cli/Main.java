package dev.dhtbeacon.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code dhtbeacon} command: one subcommand per job, each a small class. */
@Command(name = "dhtbeacon", mixinStandardHelpOptions = true, version = "dhtbeacon 0.1.0",
    description = "Mainline DHT node, public-key address registry and crawler.",
    subcommands = {KeygenCommand.class, PublishCommand.class, ResolveCommand.class,
        CrawlCommand.class,
        ServeCommand.class, TestnetCommand.class})
public final class Main implements Runnable {
  /** Exit code: success. */
  static final int OK = 0;
  /** Exit code: not found / nothing stored. */
  static final int NOT_FOUND = 1;
  /** Exit code: usage or input error. */
  static final int USAGE = 2;
  /** Exit code: network failure. */
  static final int NETWORK = 3;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
  }

  /**
   * Runs a command and exits with its code. {@code serve} handles SIGTERM itself (see
   * {@code ShutdownSignals}) and returns 0 after a clean stop, so this exit is never called
   * while the JVM is already shutting down (which would block and end in 143).
   */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line; tests run it in-process too. */
  public static CommandLine commandLine() {
    return new CommandLine(new Main())
        // Picocli's parameter-exception handler asks this mapper too: bad options are USAGE.
        .setExitCodeExceptionMapper(e -> e instanceof IllegalArgumentException
            || e instanceof CommandLine.ParameterException ? USAGE : NETWORK)
        .setExecutionExceptionHandler((e, cmd, parsed) -> {
          cmd.getErr().println("dhtbeacon: " + e.getMessage());
          return e instanceof IllegalArgumentException ? USAGE : NETWORK;
        });
  }
}
