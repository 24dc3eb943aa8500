/**
 * The VR's UDP ({@link org.vroom.netstack.udp.UdpHost}): bound ports with handlers, datagrams sent through
 * the VR SPI ({@code VrContext.sendIp}), checksums computed and checked. Everything runs on the VR loop.
 * IP protocol 17 is registered with the VR only while a port is bound, so a VR without UDP sockets keeps
 * the node's answer for UDP (ICMP port unreachable); with sockets bound, datagrams for other ports are
 * counted and dropped.
 */
package org.vroom.netstack.udp;
