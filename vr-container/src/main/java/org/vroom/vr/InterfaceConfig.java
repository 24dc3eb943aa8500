package org.vroom.vr;

import org.vroom.packetio.codec.Ipv4Addresses;

/**
 * A VR interface's configuration. Where it is bound (port, VLAN, tunnel) is the kernel's business
 * (bindd); the VR knows names, addresses and MTUs.
 *
 * @param name         unique within the VR
 * @param address      the VR's address on it, host order (not the subnet's network or broadcast
 *                     address, except on /31 and /32)
 * @param prefixLength 1..32
 * @param mtu          IP MTU, 68..9000
 * @param enabled      administratively up
 */
public record InterfaceConfig(String name, int address, int prefixLength, int mtu, boolean enabled) {
    public static final int MIN_MTU = 68;
    public static final int MAX_MTU = 9000;
    public static final int DEFAULT_MTU = 1500;

    public InterfaceConfig {
        if (name == null || name.isEmpty() || name.length() > 64) {
            throw new IllegalArgumentException("interface name must have 1..64 characters: " + name);
        }
        if (prefixLength < 1 || prefixLength > 32) {
            throw new IllegalArgumentException("interface " + name + ": prefix length " + prefixLength + " is out of range 1..32");
        }
        if (mtu < MIN_MTU || mtu > MAX_MTU) {
            throw new IllegalArgumentException("interface " + name + ": MTU " + mtu + " is out of range 68..9000");
        }
        if (address == 0 || Ipv4Addresses.isMulticast(address) || (address >>> 28) == 0xF) {
            throw new IllegalArgumentException("interface " + name + ": " + Ipv4Addresses.format(address)
                    + " is not a unicast address");
        }
        if (prefixLength <= 30) {
            int mask = -1 << (32 - prefixLength);
            if ((address & ~mask) == 0 || (address | mask) == -1) {
                throw new IllegalArgumentException("interface " + name + ": " + Ipv4Addresses.format(address) + "/"
                        + prefixLength + " is the network or broadcast address of its subnet");
            }
        }
    }

    /** An enabled interface with the default MTU. */
    public static InterfaceConfig of(String name, int address, int prefixLength) {
        return new InterfaceConfig(name, address, prefixLength, DEFAULT_MTU, true);
    }

    public InterfaceConfig withMtu(int newMtu) {
        return new InterfaceConfig(name, address, prefixLength, newMtu, enabled);
    }

    public InterfaceConfig withAddress(int newAddress, int newPrefixLength) {
        return new InterfaceConfig(name, newAddress, newPrefixLength, mtu, enabled);
    }

    public InterfaceConfig withEnabled(boolean on) {
        return new InterfaceConfig(name, address, prefixLength, mtu, on);
    }

    @Override
    public String toString() {
        return name + " " + Ipv4Addresses.format(address) + "/" + prefixLength + " mtu " + mtu + (enabled ? "" : " disabled");
    }
}
