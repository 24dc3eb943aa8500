package org.vroom.kernel.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.vroom.kernel.config.ConfigTesting.assertOnlyProblem;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.Constructor;

/** Hostile input is refused with a clear message, and nothing in it is expanded or executed. */
class NodeConfigSafetyTest {

    private static String resource(String name) throws IOException {
        try (InputStream in = NodeConfigSafetyTest.class.getResourceAsStream("/config/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static List<String> problemsOf(String yaml, String source) {
        return assertThrows(ConfigException.class, () -> NodeConfigLoader.parse(yaml, source)).problems();
    }

    @Test
    void billionLaughsIsRefusedWithoutExpanding() throws IOException {
        final String yaml = resource("billion-laughs.yaml");
        // 9^9 = 387 million "lol"s if expanded; the scan never expands, so this is instant. The timeout
        // only turns a regression into a failure instead of a hung build.
        final List<String> problems = assertTimeoutPreemptively(Duration.ofSeconds(60),
            () -> problemsOf(yaml, "billion-laughs.yaml"));
        assertEquals(List.of("billion-laughs.yaml:3: YAML aliases (*a) are not supported; write the value out "
            + "(73 aliases in the file)"), problems);
    }

    @Test
    void aSingleScalarAliasIsRefusedToo() {
        assertOnlyProblem("node.yaml:4: YAML aliases (*n) are not supported; write the value out", """
            ports:
              - name: &n p0
                interface: veth0
            vrs: [{name: red, id: 1, interfaces: [{name: e, port: *n, address: 10.0.0.1/24}]}]
            """);
    }

    @Test
    void recursiveStructuresAreRefused() {
        assertOnlyProblem("node.yaml:1: YAML aliases (*v) are not supported; write the value out", "vrs: &v [*v]\n");
    }

    @Test
    void scriptEngineGadgetIsRefusedAndNothingIsInstantiated() throws IOException {
        final List<String> problems = problemsOf(resource("script-engine.yaml"), "script-engine.yaml");
        assertEquals(List.of(
            "script-engine.yaml:4: YAML tag !!javax.script.ScriptEngineManager is not allowed (a node file holds "
                + "plain values only)",
            "script-engine.yaml:4: YAML tag !!java.net.URLClassLoader is not allowed (a node file holds plain "
                + "values only)",
            "script-engine.yaml:4: YAML tag !!java.net.URL is not allowed (a node file holds plain values only)"),
            problems);
    }

    @Test
    void aTagNamingAClassNeverLoadsIt() {
        final String tag = "!!" + YamlCanary.Trap.class.getName();
        assertOnlyProblem("node.yaml:1: YAML tag " + tag + " is not allowed (a node file holds plain values only)",
            "node: " + tag + " {}\n");
        assertEquals(0, YamlCanary.TRAP.get(), "the tagged class was initialised");

        // Control: the same kind of document given to an unsafe SnakeYAML setup does run code, so the
        // tripwire above is able to fire.
        final LoaderOptions unsafe = new LoaderOptions();
        unsafe.setTagInspector(t -> true);
        final Object made = new Yaml(new Constructor(unsafe)).load("!!" + YamlCanary.ControlTrap.class.getName() + " {}");
        assertInstanceOf(YamlCanary.ControlTrap.class, made);
        assertEquals(1, YamlCanary.CONTROL.get());
    }

    @Test
    void localAndUnknownTagsAreRefused() {
        assertOnlyProblem("node.yaml:2: YAML tag !include is not allowed (a node file holds plain values only)",
            "node:\n  name: !include other.yaml\n");
    }

    @Test
    void coreTagsAreHarmless() throws Exception {
        assertEquals("42", ConfigTesting.parse("node:\n  name: !!str 42\n  workers: !!int 3\n").name());
    }

    @Test
    void mergeKeysAreUnknownKeys() {
        assertOnlyProblem("node.yaml:2: node.\"<<\": unknown key (expected one of: name, workers, management)",
            "node:\n  <<: {workers: 2}\n");
    }

    @Test
    void onlyOneDocument() {
        assertOnlyProblem("node.yaml:2: a node file holds one YAML document; found a second one (\"---\")",
            "node: {workers: 1}\n---\nnode: {workers: 2}\n");
    }

    @Test
    void deepNestingIsRefused() {
        final String deep = "node: " + "[".repeat(40) + "]".repeat(40) + "\n";
        assertOnlyProblem("node.yaml: the document is nested too deeply (more than 32 levels)", deep);
    }

    @Test
    void hugeDocumentsAreRefused() {
        final String huge = "# " + "x".repeat(SafeYaml.MAX_CODE_POINTS) + "\nnode: {}\n";
        assertOnlyProblem("node.yaml: the document is too large (more than 1048576 characters)", huge);
    }

    @Test
    void hugeFilesAreNotEvenRead(@TempDir Path dir) throws IOException {
        final Path file = dir.resolve("huge.yaml");
        Files.write(file, new byte[NodeConfigLoader.MAX_FILE_BYTES + 1]);
        assertEquals(List.of(file + ": the file is too large (more than 1048576 bytes)"),
            assertThrows(ConfigException.class, () -> NodeConfigLoader.load(file)).problems());
    }

    @Test
    void invalidUtf8IsRefused(@TempDir Path dir) throws IOException {
        final Path file = dir.resolve("latin1.yaml");
        Files.write(file, new byte[] {'n', 'o', 'd', 'e', ':', ' ', '{', 'n', 'a', 'm', 'e', ':', ' ', (byte) 0xE9, '}'});
        assertEquals(List.of(file + ": the file is not valid UTF-8"),
            assertThrows(ConfigException.class, () -> NodeConfigLoader.load(file)).problems());
    }

    @Test
    void controlCharactersAreRefusedWithTheirLine() {
        assertOnlyProblem("node.yaml:3: character U+0007 is not allowed in YAML", "node:\n  workers: 1\n  name: a\u0007b\n");
    }
}
