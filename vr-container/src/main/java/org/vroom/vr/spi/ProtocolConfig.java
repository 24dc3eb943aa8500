package org.vroom.vr.spi;

/**
 * The configuration of one protocol instance of a VR (an OSPF or BGP configuration record). Records
 * are the natural implementation: {@code equals} decides whether a reconfiguration changed anything.
 */
public interface ProtocolConfig {
    /** Unique within the VR, for example {@code "ospf"} or {@code "bgp"}. */
    String instanceName();

    /** A new, not yet started instance for this configuration. */
    Protocol newInstance();
}
