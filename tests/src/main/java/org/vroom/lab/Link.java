package org.vroom.lab;

/**
 * A veth pair between two hosts: {@code ifA} inside {@code a}, {@code ifB} inside {@code b}.
 */
public final class Link {
    private final Host a;
    private final String ifA;
    private final Host b;
    private final String ifB;

    Link(Host a, String ifA, Host b, String ifB) {
        this.a = a;
        this.ifA = ifA;
        this.b = b;
        this.ifB = ifB;
    }

    public Host a() {
        return a;
    }

    public String ifA() {
        return ifA;
    }

    public Host b() {
        return b;
    }

    public String ifB() {
        return ifB;
    }

    /** Sets both ends administratively up. */
    public Link up() {
        a.linkUp(ifA);
        b.linkUp(ifB);
        return this;
    }

    /** Sets both ends administratively down (carrier goes down on both sides). */
    public Link down() {
        a.linkDown(ifA);
        b.linkDown(ifB);
        return this;
    }

    @Override
    public String toString() {
        return a.name() + ":" + ifA + " <-> " + b.name() + ":" + ifB;
    }
}
