package org.vroom.checkpoint.store;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * A host-name resolver for the tests of this module (registered in META-INF/services): records every
 * lookup, answers the machine's own names and the loopback address through the JDK's resolver, and
 * refuses every other name without asking DNS, so no test can reach out even by accident.
 */
public final class RecordingResolverProvider extends InetAddressResolverProvider {
    /** Every name and address looked up since the JVM started (or the last clear). */
    public static final List<String> LOOKUPS = new CopyOnWriteArrayList<>();

    @Override
    public InetAddressResolver get(Configuration configuration) {
        InetAddressResolver builtin = configuration.builtinResolver();
        String localHost = configuration.lookupLocalHostName();
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                LOOKUPS.add(host);
                if (host.equals("localhost") || host.equals(localHost)) {
                    return builtin.lookupByName(host, policy);
                }
                throw new UnknownHostException(host + ": refused by the test resolver (no lookups leave this machine)");
            }

            @Override
            public String lookupByAddress(byte[] address) throws UnknownHostException {
                LOOKUPS.add("reverse:" + InetAddress.getByAddress(address).getHostAddress());
                throw new UnknownHostException("reverse lookups are refused by the test resolver");
            }
        };
    }

    @Override
    public String name() {
        return "vroom-test-recording-resolver";
    }
}
