package dev.dhtbeacon.crypto;

import dev.dhtbeacon.bencode.Hex;
import java.nio.charset.StandardCharsets;

/**
 * Published BEP 44 and Pkarr test vectors, copied here so that the tests need nothing outside
 * the project. Sources: the BEP 44 text (bittorrent.org/beps/bep_0044.html, "test vectors") and
 * the Pkarr specification (its seed-of-zeros example and z-base32 keys).
 */
public final class Bep44Vectors {
  // ---- BEP 44 mutable items: verification only (the private key is an expanded key, no seed)

  /** The BEP 44 vectors' public key. */
  public static final String BEP44_PUBLIC_KEY =
      "77ff84905a91936367c01360803104f92432fcd904a43511876df5cdf3e7e548";
  /** Both vectors store this value (the bencoded string "Hello World!"). */
  public static final String HELLO_ENCODED = "12:Hello World!";
  /** Both vectors use seq 1. */
  public static final long BEP44_SEQ = 1;

  /** Vector 1, no salt. */
  public static final String V1_BUFFER = "3:seqi1e1:v12:Hello World!";
  public static final String V1_TARGET = "4a533d47ec9c7d95b1ad75f576cffc641853b750";
  public static final String V1_SIGNATURE = "305ac8aeb6c9c151fa120f120ea2cfb923564e11552d06a5d8"
      + "56091e5e853cff1260d3f39e4999684aa92eb73ffd136e6f4f3ecbfda0ce53a1608ecd7ae21f01";

  /** Vector 2, salt "foobar". */
  public static final String V2_SALT = "foobar";
  public static final String V2_BUFFER = "4:salt6:foobar3:seqi1e1:v12:Hello World!";
  public static final String V2_TARGET = "411eba73b6f087ca51a3795d9c8c938d365e32c1";
  public static final String V2_SIGNATURE = "6834284b6b24c3204eb2fea824d82f88883a3d95e8b4a21b8c"
      + "0ded553d17d17ddf9a8a7104b1258f30bed3787e6cb896fca78c58f8e03b5f18f14951a87d9a08";

  /** The immutable item "12:Hello World!": target = SHA-1 of those 15 bytes. */
  public static final String IMMUTABLE_TARGET = "e5f96f6f38320f0f33959cb4d3d656452117aadb";

  // ---- Pkarr: signable from a seed

  /** 32 zero bytes. */
  public static final String PKARR_SEED =
      "0000000000000000000000000000000000000000000000000000000000000000";
  public static final String PKARR_PUBLIC_KEY =
      "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29";
  public static final String PKARR_PUBLIC_KEY_ZBASE32 =
      "8pinxxgqs41n4aididenw5apqp1urfmzdztr8jt4abrkdn435ewo";
  public static final long PKARR_SEQ = 1697016827303000L;
  /** 152 bytes. */
  public static final String PKARR_V = "000080000000000200000000343870696e787867717334316e3461"
      + "69646964656e773561707170317572666d7a647a7472386a74346162726b646e34333565776f00000100"
      + "010000000000040101010103666f6f343870696e787867717334316e346169646964656e77356170717"
      + "0317572666d7a647a7472386a74346162726b646e34333565776f00001000010000001e000403626172";
  public static final String PKARR_SIGNATURE = "c45d1577e6c0d7fe24d1cd6696776a25628b438ffa10b1"
      + "419dfdede3c51f8577d8447d44df4523fa43f574d6f13a65433fa828eb280065c271fcdcaef5365c01";

  /** A second z-base32 pair from Pkarr. */
  public static final String ZBASE32_OTHER = "yg4gxe7z1r7mr6orids9fh95y7gxhdsxjqi6nngsxxtakqaxr5no";
  public static final String ZBASE32_OTHER_HEX =
      "01b467a3b7913ab27a04a8edf2f3fb074cfe0ecf4babe108d67be3853b0f26c5";

  private Bep44Vectors() {
  }

  public static byte[] hex(String hex) {
    return Hex.decode(hex);
  }

  public static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  /** The Pkarr buffer to sign: {@code 3:seqi1697016827303000e1:v152:} then the 152 bytes. */
  public static byte[] pkarrBuffer() {
    byte[] prefix = ascii("3:seqi" + PKARR_SEQ + "e1:v152:");
    byte[] v = hex(PKARR_V);
    byte[] out = new byte[prefix.length + v.length];
    System.arraycopy(prefix, 0, out, 0, prefix.length);
    System.arraycopy(v, 0, out, prefix.length, v.length);
    return out;
  }
}
