package org.vroom.netstack.tcp;

/**
 * The host-wide counters of a VR's TCP, each a VR counter named {@code tcp.<name>} (readable by
 * management from any thread). Every dropped segment is counted under exactly one reason.
 */
public enum TcpCounter {
    /** Segments handed to the stack by the VR (before any check). */
    RX_SEGMENTS("rx.segments"),
    /** Segments transmitted (data, ACKs, SYNs, RSTs). */
    TX_SEGMENTS("tx.segments"),
    /** Dropped: IP or TCP header shorter than its minimum, data offset below 5 or past the datagram. */
    RX_MALFORMED("rx.malformed"),
    /** Dropped: an option whose length is below 2, overruns the header, or is wrong for its kind. */
    RX_BAD_OPTION("rx.bad-option"),
    /** Dropped: TCP checksum wrong. */
    RX_BAD_CHECKSUM("rx.bad-checksum"),
    /** Dropped: an IP fragment (the stack does not reassemble; peers send with DF). */
    RX_FRAGMENT("rx.fragment"),
    /** Dropped: to or from a multicast, broadcast or otherwise non-unicast address. */
    RX_NOT_UNICAST("rx.not-unicast"),
    /** No connection or listener: answered with RST (unless it was one). */
    RX_NO_SOCKET("rx.no-socket"),
    /** Dropped: no MD5 signature where a key is configured. */
    RX_MD5_MISSING("rx.md5-missing"),
    /** Dropped: wrong MD5 signature. */
    RX_MD5_BAD("rx.md5-bad"),
    /** Dropped: an MD5 signature where no key is configured (Linux does the same). */
    RX_MD5_UNEXPECTED("rx.md5-unexpected"),
    /** Dropped: IP TTL below the connection's minimum (GTSM). */
    RX_TTL_TOO_LOW("rx.ttl-too-low"),
    /** Not acceptable for the receive window (answered with an ACK unless a RST). */
    RX_OUT_OF_WINDOW("rx.out-of-window"),
    /** RSTs that reset a connection or a handshake. */
    RX_RST("rx.rst"),
    TX_RST("tx.rst"),
    /** RFC 5961 challenge ACKs sent (in-window RST or SYN, ACK of data not sent). */
    CHALLENGE_ACKS("challenge-acks"),
    /** Challenge ACKs not sent because of the per-second limit. */
    CHALLENGE_ACKS_SUPPRESSED("challenge-acks-suppressed"),
    /** SYNs dropped because the listener's backlog of half-open connections was full. */
    LISTEN_OVERFLOW("listen-overflow"),
    /** SYNs dropped because the listener has no accept handler (restored, not yet re-attached). */
    LISTEN_NO_HANDLER("listen-no-handler"),
    ACTIVE_OPENS("active-opens"),
    PASSIVE_OPENS("passive-opens"),
    /** Connections that reached ESTABLISHED. */
    ESTABLISHED("established"),
    /** Connections reset by the peer or refused. */
    CONNECTIONS_RESET("connections-reset"),
    /** Connections aborted after too many retransmissions. */
    CONNECTIONS_TIMED_OUT("connections-timed-out"),
    /** Connections the application aborted, or reset because data arrived after close. */
    CONNECTIONS_ABORTED("connections-aborted"),
    RETRANSMITTED_SEGMENTS("retransmitted-segments"),
    RTO_EXPIRED("rto-expired"),
    FAST_RETRANSMITS("fast-retransmits"),
    ZERO_WINDOW_PROBES("zero-window-probes"),
    /** Out-of-order data dropped because the reassembly list was full. */
    OUT_OF_ORDER_DROPPED("out-of-order-dropped"),
    /** Segments the VR could not send (no route, interface down, too big...). */
    TX_FAILED("tx.failed");

    private final String counterName;

    TcpCounter(String counterName) {
        this.counterName = counterName;
    }

    /** The VR counter's name: {@code tcp.<name>}. */
    public String counterName() {
        return "tcp." + counterName;
    }
}
