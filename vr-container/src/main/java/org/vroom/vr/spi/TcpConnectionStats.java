package org.vroom.vr.spi;

/**
 * A snapshot of one connection's counters and congestion state (for management and tests).
 *
 * @param bytesSent              application bytes transmitted for the first time
 * @param bytesAcked             application bytes the peer acknowledged
 * @param bytesReceived          application bytes received in order
 * @param segmentsSent           segments transmitted (retransmissions and pure ACKs included)
 * @param segmentsReceived       segments accepted by the connection (checksum, MD5 and window checks passed)
 * @param retransmittedSegments  segments sent again (timeout, fast retransmit, NewReno partial ACK)
 * @param retransmittedBytes     application bytes sent again
 * @param timeouts               retransmission timer expiries
 * @param fastRetransmits        fast retransmits (three duplicate ACKs)
 * @param duplicateAcks          duplicate ACKs received (RFC 5681 definition)
 * @param outOfOrderSegments     data segments received beyond a hole and queued
 * @param duplicateSegments      data segments (or parts) received again and discarded
 * @param zeroWindowProbes       persist-timer probes sent
 * @param challengeAcks          RFC 5961 challenge ACKs sent
 * @param cwnd                   congestion window, bytes
 * @param ssthresh               slow start threshold, bytes
 * @param sendWindow             peer's advertised window, bytes (scaled)
 * @param receiveWindow          window we advertise now, bytes
 * @param sendMss                largest payload we send per segment
 * @param srttNanos              smoothed RTT (0 before the first sample)
 * @param rttvarNanos            RTT variation
 * @param rtoNanos               current retransmission timeout including backoff
 * @param sendQueued             bytes in the send buffer (unacknowledged plus unsent)
 * @param receiveQueued          bytes received in order and not yet consumed
 */
public record TcpConnectionStats(long bytesSent, long bytesAcked, long bytesReceived, long segmentsSent,
                                 long segmentsReceived, long retransmittedSegments, long retransmittedBytes,
                                 long timeouts, long fastRetransmits, long duplicateAcks, long outOfOrderSegments,
                                 long duplicateSegments, long zeroWindowProbes, long challengeAcks, long cwnd,
                                 long ssthresh, long sendWindow, long receiveWindow, int sendMss, long srttNanos,
                                 long rttvarNanos, long rtoNanos, int sendQueued, int receiveQueued) {
}
