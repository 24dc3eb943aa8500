/**
 * JMH benchmarks and baseline harnesses; see the README for the commands and the figures.
 */
package org.vroom.perf;
