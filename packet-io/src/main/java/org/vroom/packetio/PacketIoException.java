package org.vroom.packetio;

/**
 * Opening or configuring a packet port failed. The message names the interface and, where it helps,
 * what to do (for example that AF_PACKET sockets need {@code CAP_NET_RAW}). Never thrown on the
 * per-packet path: {@code receive}, {@code send} and {@code flush} count failures instead.
 */
public final class PacketIoException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String interfaceName;
    private final int errno;

    public PacketIoException(String interfaceName, int errno, String message) {
        super(message);
        this.interfaceName = interfaceName;
        this.errno = errno;
    }

    /** The interface the failed operation was for. */
    public String interfaceName() {
        return interfaceName;
    }

    /** The Linux errno behind the failure, or 0 when there is none. */
    public int errno() {
        return errno;
    }
}
