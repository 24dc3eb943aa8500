/**
 * The node (composition root): substrate forwarding workers, interface bindings, the data-plane
 * hypervisor, node services, the management API and main(). Not implemented yet.
 */
package org.vroom.kernel;
