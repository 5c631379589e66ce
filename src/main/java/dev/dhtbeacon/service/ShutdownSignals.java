package dev.dhtbeacon.service;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns SIGTERM and SIGINT into an orderly stop that ends in exit code 0.
 *
 * <p>Why not a shutdown hook: on SIGTERM the JVM starts its shutdown sequence, runs every hook
 * at once and exits 143 whatever they do; a {@code System.exit(0)} from the main thread then
 * blocks forever, and MapDB's own close-on-shutdown hook races ours while a publish may still be
 * writing. Instead this class takes the signals over ({@code sun.misc.Signal}, reached by
 * reflection because javac's warning for that API cannot be suppressed): the handler only
 * releases {@link #await}, the main thread closes the service in order (HTTP, publishing,
 * {@code .boot}, MapDB) and returns 0, and {@code Main} exits normally, no shutdown in
 * progress. A second signal while stopping halts at once with code 1.
 *
 * <p>Fallback: if the signals cannot be taken over (another JVM, {@code -Xrs}) or the JVM
 * shuts down for another reason while the service runs (SIGHUP), a shutdown hook requests the
 * same stop, waits up to five seconds for it, and then {@code Runtime.halt(0)}s, since only
 * halt can choose the exit code once shutdown has begun.
 */
public final class ShutdownSignals {
  private static final Logger LOG = LoggerFactory.getLogger(ShutdownSignals.class);

  private final CountDownLatch stop = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile String reason;
  private volatile boolean disarmed;

  private ShutdownSignals() {
  }

  /** Takes over SIGTERM and SIGINT and arms the fallback hook; call once per process. */
  public static ShutdownSignals install() {
    ShutdownSignals s = new ShutdownSignals();
    for (String name : new String[] {"TERM", "INT"}) {
      if (!handle(name, s)) {
        LOG.warn("cannot handle SIG{}; a shutdown hook stops the service instead", name);
      }
    }
    Runtime.getRuntime().addShutdownHook(new Thread(s::onJvmShutdown, "dhtbeacon-shutdown"));
    return s;
  }

  /** Waits for a stop request; true when one came within {@code timeout}. */
  public boolean await(Duration timeout) throws InterruptedException {
    return stop.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** What asked for the stop ({@code SIGTERM}, ...), or null. */
  public String reason() {
    return reason;
  }

  /** Asks for a stop (tests, or a caller that wants to end the service). */
  public void request(String why) {
    if (stop.getCount() > 0) {
      reason = why;
      stop.countDown();
    }
  }

  /**
   * Declares the service closed (or never started): the fallback hook has nothing left to do,
   * and the process may exit with whatever code the command returns.
   */
  public void disarm() {
    disarmed = true;
    stopped.countDown();
  }

  private void onSignal(String name) {
    if (stop.getCount() == 0 && !disarmed) {
      LOG.warn("second SIG{} while stopping: exiting without cleanup", name);
      Runtime.getRuntime().halt(1);
    }
    request("SIG" + name);
  }

  private void onJvmShutdown() {
    if (disarmed) {
      return;
    }
    request("JVM shutdown");
    try {
      if (!stopped.await(5, TimeUnit.SECONDS)) {
        LOG.warn("service did not stop within 5 s of JVM shutdown");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Runtime.getRuntime().halt(0);
  }

  private static boolean handle(String name, ShutdownSignals target) {
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handler = Class.forName("sun.misc.SignalHandler");
      Object proxy = Proxy.newProxyInstance(ShutdownSignals.class.getClassLoader(),
          new Class<?>[] {handler}, (p, method, args) -> invoke(p, method, args, name, target));
      Method handle = signal.getMethod("handle", signal, handler);
      handle.invoke(null, signal.getConstructor(String.class).newInstance(name), proxy);
      return true;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return false;
    }
  }

  private static Object invoke(Object proxy, Method method, Object[] args, String name,
      ShutdownSignals target) {
    switch (method.getName()) {
      case "handle":
        target.onSignal(name);
        return null;
      case "hashCode":
        return System.identityHashCode(proxy);
      case "equals":
        return proxy == args[0];
      default:
        return "dhtbeacon SIG" + name + " handler";
    }
  }
}
