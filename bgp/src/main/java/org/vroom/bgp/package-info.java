/**
 * BGP-4 (RFC 4271, RFC 7606 error handling), written against the vr-container SPIs only,
 * single-threaded on the VR loop, checkpointable. Not implemented yet.
 */
package org.vroom.bgp;
