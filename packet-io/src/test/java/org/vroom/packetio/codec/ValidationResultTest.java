package org.vroom.packetio.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class ValidationResultTest {
    /** Every public int constant is a distinct code in [0, COUNT) whose name is the constant's name. */
    @Test
    void constantsAreDenseUniqueAndNamed() throws IllegalAccessException {
        final Set<Integer> seen = new HashSet<>();
        for (Field field : ValidationResult.class.getFields()) {
            if (field.getType() != int.class || !Modifier.isStatic(field.getModifiers()) || field.getName().equals("COUNT")) {
                continue;
            }
            final int code = field.getInt(null);
            assertTrue(code >= 0 && code < ValidationResult.COUNT, field.getName());
            assertTrue(seen.add(code), "duplicate code " + code);
            assertEquals(field.getName(), ValidationResult.name(code));
            assertEquals(code, ValidationResult.forName(field.getName()));
            assertNotEquals("unknown", ValidationResult.reason(code));
        }
        assertEquals(ValidationResult.COUNT, seen.size());
        assertEquals("UNKNOWN", ValidationResult.name(-1));
        assertEquals("UNKNOWN", ValidationResult.name(ValidationResult.COUNT));
        assertEquals(-1, ValidationResult.forName("NOPE"));
    }
}
