package org.vroom.netstack.tcp;

/**
 * The TCP header (RFC 9293 section 3.1) and the options this stack reads and writes: offsets, flags and
 * option kinds.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Source Port          |       Destination Port        |  0
 * |                        Sequence Number                        |  4
 * |                    Acknowledgment Number                      |  8
 * |  Data |       |C|E|U|A|P|R|S|F|                               |
 * | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             | 12
 * |           Checksum            |         Urgent Pointer        | 16
 * |                    Options (data offset > 5)                  | 20
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
final class TcpWire {
    static final int SOURCE_PORT_OFFSET = 0;
    static final int DESTINATION_PORT_OFFSET = 2;
    static final int SEQ_OFFSET = 4;
    static final int ACK_OFFSET = 8;
    static final int DATA_OFFSET_OFFSET = 12;
    static final int FLAGS_OFFSET = 13;
    static final int WINDOW_OFFSET = 14;
    static final int CHECKSUM_OFFSET = 16;
    static final int URGENT_OFFSET = 18;
    static final int OPTIONS_OFFSET = 20;
    static final int MIN_HEADER = 20;
    static final int MAX_HEADER = 60;

    static final int FIN = 0x01;
    static final int SYN = 0x02;
    static final int RST = 0x04;
    static final int PSH = 0x08;
    static final int ACK = 0x10;
    static final int URG = 0x20;

    static final int OPT_EOL = 0;
    static final int OPT_NOP = 1;
    static final int OPT_MSS = 2;
    static final int OPT_MSS_LENGTH = 4;
    static final int OPT_WINDOW_SCALE = 3;
    static final int OPT_WINDOW_SCALE_LENGTH = 3;
    static final int OPT_MD5 = 19;
    static final int OPT_MD5_LENGTH = 18;
    /** What an MD5 option takes in every segment: 2 NOPs and the 18-byte option. */
    static final int MD5_SPACE = 20;

    static final int IP_HEADER = 20;
    static final int PROTOCOL_TCP = 6;
    /** RFC 9293 / RFC 1122: the MSS to assume when the peer announced none. */
    static final int DEFAULT_PEER_MSS = 536;

    private TcpWire() {
    }

    static String flags(int f) {
        StringBuilder b = new StringBuilder();
        if ((f & SYN) != 0) {
            b.append('S');
        }
        if ((f & FIN) != 0) {
            b.append('F');
        }
        if ((f & RST) != 0) {
            b.append('R');
        }
        if ((f & PSH) != 0) {
            b.append('P');
        }
        if ((f & ACK) != 0) {
            b.append('.');
        }
        return b.toString();
    }
}
