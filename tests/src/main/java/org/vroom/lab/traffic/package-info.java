/**
 * Sequence-numbered UDP test traffic: {@link org.vroom.lab.traffic.SeqSender} paces datagrams
 * carrying a run id and a 64-bit sequence number ({@link org.vroom.lab.traffic.SeqPacket});
 * {@link org.vroom.lab.traffic.SeqSink} counts received, lost, duplicated and reordered packets
 * exactly over a bitmap ({@link org.vroom.lab.traffic.SeqAccounting}). Each is a {@code main}
 * started in its own JVM inside a lab namespace by {@link org.vroom.lab.traffic.SeqTraffic}, and
 * prints one JSON line ({@link org.vroom.lab.traffic.SenderReport},
 * {@link org.vroom.lab.traffic.SinkReport}); both also run in-process for loopback tests.
 *
 * <p>Threads: sender and sink are each one thread. The sender parks between bursts (no spinning);
 * the sink blocks in a selector between bursts. Neither allocates per packet.
 */
package org.vroom.lab.traffic;
