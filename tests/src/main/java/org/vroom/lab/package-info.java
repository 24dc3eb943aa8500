/**
 * The lab: network namespaces, veth pairs, FRR/BIRD peers and traffic generators used by the
 * integration and interop tests. Everything created is torn down again, even on failure.
 */
package org.vroom.lab;
