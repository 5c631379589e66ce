package dev.dhtbeacon.crypto;

import dev.dhtbeacon.bencode.BEncoder;
import dev.dhtbeacon.bencode.BString;
import dev.dhtbeacon.storage.Bep44;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Ed25519 sign and verify throughput on one 200-byte BEP 44 signed buffer
 * ({@code 3:seqi<16-digit µs seq>e1:v170:} and a 170-byte value, the size of a small Pkarr
 * record), in operations per second, for three implementations:
 *
 * <ul>
 *   <li>{@code *Ours}: {@link Ed25519}, BouncyCastle's low-level
 *       {@code org.bouncycastle.math.ec.rfc8032.Ed25519} with byte arrays, no key objects;
 *   <li>{@code *Jdk}: the JDK's built-in EdDSA provider ({@code Signature.getInstance("Ed25519")})
 *       with a {@code KeyPairGenerator}-made key; one {@code Signature} object per thread,
 *       initialised once, {@code update} + {@code sign}/{@code verify} per operation;
 *   <li>{@code *BcSigner}: BouncyCastle's JCA-less {@link Ed25519Signer} with
 *       {@link Ed25519PrivateKeyParameters}/{@link Ed25519PublicKeyParameters}, initialised once,
 *       {@code update} + {@code generateSignature}/{@code verifySignature} per operation.
 * </ul>
 *
 * <p>Every node verifies each BEP 44 item it stores and each resolver verifies each item it
 * receives, so {@code verify} is the figure that matters; {@code sign} runs once a minute per
 * published key. {@link #setup()} checks that each implementation's signature verifies and that
 * ours equals BouncyCastle's signer's for the same seed (Ed25519 is deterministic).
 *
 * <p>Run (from the project root):
 *
 * <pre>
 * mvn -q -B -o test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp "target/test-classes:target/classes:$(cat target/cp.txt)" \
 *     org.openjdk.jmh.Main Ed25519Benchmark -f 2 -wi 3 -w 2s -i 5 -r 2s
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class Ed25519Benchmark {
  /** The signed buffer's length. */
  static final int BUFFER_BYTES = 200;

  private byte[] buffer;

  private byte[] seed;
  private byte[] publicKey;
  private byte[] ourSignature;

  private Signature jdkSigner;
  private Signature jdkVerifier;
  private byte[] jdkSignature;

  private Ed25519Signer bcSigner;
  private Ed25519Signer bcVerifier;
  private byte[] bcSignature;

  @Setup
  public void setup() throws GeneralSecurityException {
    Random random = new Random(25519);
    byte[] v = new byte[170];
    random.nextBytes(v);
    buffer = Bep44.signedBuffer(null, 1_700_000_000_000_000L, BEncoder.encode(BString.of(v)));
    check(buffer.length == BUFFER_BYTES, "buffer is " + buffer.length + " bytes");

    seed = new byte[Ed25519.SEED_LENGTH];
    random.nextBytes(seed);
    publicKey = Ed25519.publicKey(seed);
    ourSignature = Ed25519.sign(seed, publicKey, buffer);
    check(Ed25519.verify(publicKey, buffer, ourSignature), "ours does not verify");

    KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    jdkSigner = Signature.getInstance("Ed25519");
    jdkSigner.initSign(pair.getPrivate());
    jdkVerifier = Signature.getInstance("Ed25519");
    jdkVerifier.initVerify(pair.getPublic());
    jdkSignature = signJdk();
    check(verifyJdk(), "JDK does not verify");

    Ed25519PrivateKeyParameters bcPrivate = new Ed25519PrivateKeyParameters(seed, 0);
    bcSigner = new Ed25519Signer();
    bcSigner.init(true, bcPrivate);
    bcVerifier = new Ed25519Signer();
    bcVerifier.init(false, bcPrivate.generatePublicKey());
    bcSignature = signBcSigner();
    check(verifyBcSigner(), "BC signer does not verify");
    check(Arrays.equals(ourSignature, bcSignature), "ours and BC's signer differ");
    check(Arrays.equals(publicKey, bcPrivate.generatePublicKey().getEncoded()),
        "public keys differ");
  }

  @Benchmark
  public byte[] signOurs() {
    return Ed25519.sign(seed, publicKey, buffer);
  }

  @Benchmark
  public boolean verifyOurs() {
    return Ed25519.verify(publicKey, buffer, ourSignature);
  }

  @Benchmark
  public byte[] signJdk() throws GeneralSecurityException {
    jdkSigner.update(buffer);
    return jdkSigner.sign();
  }

  @Benchmark
  public boolean verifyJdk() throws GeneralSecurityException {
    jdkVerifier.update(buffer);
    return jdkVerifier.verify(jdkSignature);
  }

  @Benchmark
  public byte[] signBcSigner() {
    bcSigner.update(buffer, 0, buffer.length);
    return bcSigner.generateSignature();
  }

  @Benchmark
  public boolean verifyBcSigner() {
    bcVerifier.update(buffer, 0, buffer.length);
    return bcVerifier.verifySignature(bcSignature);
  }

  private static void check(boolean condition, String message) {
    if (!condition) {
      throw new IllegalStateException(message);
    }
  }
}
