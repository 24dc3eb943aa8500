/**
 * Packet I/O: the {@code PacketPort} abstraction (AF_PACKET through JNR, and an in-memory pair)
 * and flyweight codecs over Agrona buffers. Not implemented yet.
 */
package org.vroom.packetio;
