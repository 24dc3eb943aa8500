package org.vroom.vr.spi;

/**
 * PLACEHOLDER — TODO(host-stack issue): the VR's user-space TCP (RFC 9293 essentials, RFC 6298
 * retransmission, RFC 2385 MD5) that BGP will use through {@link VrContext#tcp()}. Deliberately empty
 * so that no API is fixed before the host stack exists. Expected shape, all on the VR loop:
 * <ul>
 *   <li>{@code connect(localAddress, remoteAddress, remotePort, handler)} and
 *       {@code listen(localAddress, port, acceptHandler)} returning connection handles;</li>
 *   <li>per connection: {@code write(buffer, offset, length)} with back-pressure,
 *       {@code close()}, {@code abort()}; callbacks for connected, data, writable, closed, reset;</li>
 *   <li>options: MSS, window scaling, TCP-MD5 key per peer, TTL (GTSM);</li>
 *   <li>checkpoint of control blocks so a session survives migration with the same sequence numbers.</li>
 * </ul>
 */
public interface TcpStack {
}
