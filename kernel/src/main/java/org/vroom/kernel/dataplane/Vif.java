package org.vroom.kernel.dataplane;

import org.vroom.packetio.codec.EthernetFlyweight;

/**
 * A virtual interface of a virtual router as the data plane sees it: where it is bound (substrate port
 * index and VLAN), its MAC, address and MTU. Immutable: rebinding an interface publishes a new Vif.
 */
public final class Vif {
    public final int index;
    public final String name;
    public final int portIndex;
    /** 802.1Q VLAN id, or {@link EthernetFlyweight#NO_VLAN}. */
    public final int vlan;
    public final long mac;
    public final int address;
    public final int prefixLength;
    public final int mtu;

    public Vif(int index, String name, int portIndex, int vlan, long mac, int address, int prefixLength, int mtu) {
        this.index = index;
        this.name = name;
        this.portIndex = portIndex;
        this.vlan = vlan;
        this.mac = mac;
        this.address = address;
        this.prefixLength = prefixLength;
        this.mtu = mtu;
    }

    public int subnetMask() {
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }

    public int subnet() {
        return address & subnetMask();
    }

    /** The subnet's broadcast address, or 0 for /31 and /32 which have none. */
    public int broadcast() {
        return prefixLength >= 31 ? 0 : address | ~subnetMask();
    }

    public boolean inSubnet(int ip) {
        return (ip & subnetMask()) == subnet();
    }

    public int headerLength() {
        return EthernetFlyweight.headerLength(vlan);
    }

    /**
     * The stable, locally administered MAC of interface {@code vifIndex} of VR {@code vrId}:
     * {@code 02:vv:vv:vv:ii:ii}. It depends only on the VR and the interface, so it moves with the VR.
     */
    public static long macFor(int vrId, int vifIndex) {
        return 0x02L << 40 | (vrId & 0xFF_FFFFL) << 16 | (vifIndex & 0xFFFFL);
    }

    @Override
    public String toString() {
        return name + "(port " + portIndex + (vlan >= 0 ? " vlan " + vlan : "") + ")";
    }
}
