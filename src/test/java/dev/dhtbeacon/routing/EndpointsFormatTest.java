package dev.dhtbeacon.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class EndpointsFormatTest {
  private static String v6(String text) {
    return Endpoints.format(Endpoints.parse("[" + text + "]:1")).replace("]:1", "]");
  }

  @Test
  void ipv6IsPrintedInRfc5952Form() {
    assertEquals("[::1]", v6("0:0:0:0:0:0:0:1"));
    assertEquals("[::]", v6("::"));
    assertEquals("[2001:db8::1]", v6("2001:0db8:0000:0000:0000:0000:0000:0001"));
    assertEquals("[2001:db8:0:1:1:1:1:1]", v6("2001:db8:0:1:1:1:1:1"));
    assertEquals("[2001:db8::1:0:0:1]", v6("2001:db8:0:0:1:0:0:1"));
    assertEquals("[fe80::]", v6("fe80:0:0:0:0:0:0:0"));
    assertEquals("127.0.0.1:6881", Endpoints.format(Endpoints.parse("127.0.0.1:6881")));
  }

  @Test
  void formattedTextParsesBack() {
    for (String s : new String[] {"[::1]:6881", "[2001:db8::1:0:0:1]:80", "127.0.0.9:6882"}) {
      assertEquals(s, Endpoints.format(Endpoints.parse(s)));
    }
  }
}
