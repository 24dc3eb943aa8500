package org.vroom.fib;

/** The obviously-correct reference: a binary trie, one node per bit. */
final class ReferenceTrie {
    private static final class Node {
        Node zero;
        Node one;
        int nextHop = Ipv4Fib.NO_ROUTE;
    }

    private final Node root = new Node();
    private int size;

    void add(int prefix, int length, int nextHop) {
        Node n = root;
        for (int i = 0; i < length; i++) {
            boolean bit = (prefix << i) < 0;
            if (bit) {
                n = n.one == null ? (n.one = new Node()) : n.one;
            } else {
                n = n.zero == null ? (n.zero = new Node()) : n.zero;
            }
        }
        if (n.nextHop == Ipv4Fib.NO_ROUTE) {
            size++;
        }
        n.nextHop = nextHop;
    }

    boolean delete(int prefix, int length) {
        Node n = find(prefix, length);
        if (n == null || n.nextHop == Ipv4Fib.NO_ROUTE) {
            return false;
        }
        n.nextHop = Ipv4Fib.NO_ROUTE;
        size--;
        return true;
    }

    int get(int prefix, int length) {
        Node n = find(prefix, length);
        return n == null ? Ipv4Fib.NO_ROUTE : n.nextHop;
    }

    private Node find(int prefix, int length) {
        Node n = root;
        for (int i = 0; i < length && n != null; i++) {
            n = (prefix << i) < 0 ? n.one : n.zero;
        }
        return n;
    }

    int lookup(int address) {
        Node n = root;
        int best = n.nextHop;
        for (int i = 0; i < 32; i++) {
            n = (address << i) < 0 ? n.one : n.zero;
            if (n == null) {
                break;
            }
            if (n.nextHop != Ipv4Fib.NO_ROUTE) {
                best = n.nextHop;
            }
        }
        return best;
    }

    int size() {
        return size;
    }
}
