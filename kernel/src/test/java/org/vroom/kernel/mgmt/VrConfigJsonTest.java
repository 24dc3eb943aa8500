package org.vroom.kernel.mgmt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vroom.kernel.config.VrConfig;

class VrConfigJsonTest {
    @Test
    void renderThenParseIsTheIdentity() throws ApiException {
        for (VrConfig vr : new VrConfig[] {FakeNode.red(), FakeNode.blue()}) {
            assertEquals(vr, VrConfigJson.parse(VrConfigJson.render(vr), null, 0));
        }
    }

    @Test
    void putFillsNameAndIdFromTheUrl() throws ApiException {
        final VrConfig vr = VrConfigJson.parse(ApiJson.parse("{}".getBytes()), "blue", 2);
        assertEquals("blue", vr.name());
        assertEquals(2, vr.id());
        assertEquals(0, vr.interfaces().size());
    }

    @Test
    void namesFollowTheNodeFileRule() {
        assertNull(VrConfigJson.nameProblem("red-1.a_b"));
        assertEquals("\"a b\" is not a valid name (letters, digits, '_', '.', '-'; starting with a letter or digit)",
            VrConfigJson.nameProblem("a b"));
        assertEquals("a name must not be empty", VrConfigJson.nameProblem(""));
    }

    @Test
    void yamlFileReadsLikeTheNodeFile(@TempDir Path dir) throws IOException, ApiException {
        final Path f = dir.resolve("red.yaml");
        Files.writeString(f, """
            name: red
            id: 1
            interfaces:
              - name: eth0
                port: p0
                address: 10.0.1.1/24
                mtu:
              - name: eth1
                port: p1
                vlan: 100
                address: 10.0.2.1/24
                mtu: 9000
            static-routes:
              - prefix: 0.0.0.0/0
                via: 10.0.1.254
              - prefix: 10.9.0.0/16
                action: drop
            """);
        assertEquals(FakeNode.red(), VrConfigJson.parse(VrFile.read(f), null, 0));
        Files.writeString(f, "name: yes\nid: 3\n");
        assertEquals("yes", VrConfigJson.parse(VrFile.read(f), null, 0).name(), "no YAML 1.1 booleans");
        Files.writeString(f, "name: !!javax.script.ScriptEngineManager x\nid: 3\n");
        final IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> VrFile.read(f));
        assertEquals(true, e.getMessage().contains("not valid YAML"), e.getMessage());
    }
}
