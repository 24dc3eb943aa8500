package org.vroom.checkpoint;

/**
 * The header of a checkpoint image, as read back (see {@code checkpoint/FORMAT.md}).
 *
 * @param major         format major version (a reader refuses a newer one)
 * @param minor         format minor version (any minor of a known major is readable)
 * @param kind          snapshot or delta
 * @param vrId          the virtual router's id
 * @param vrName        the virtual router's name
 * @param seriesId      random per snapshot; every delta of that snapshot carries it
 * @param round         0 for the snapshot, then 1, 2, … for its deltas
 * @param createdMillis when the image was written (milliseconds since the epoch, writer's clock)
 * @param sectionCount  number of sections (one per part)
 * @param length        bytes of the whole image, header to trailer
 */
public record ImageHeader(int major, int minor, ImageKind kind, int vrId, String vrName, long seriesId, int round,
                          long createdMillis, int sectionCount, int length) {
    @Override
    public String toString() {
        return kind + " round " + round + " of series " + Long.toHexString(seriesId) + " for VR " + vrId + " (" + vrName
                + "), format " + major + "." + minor + ", " + sectionCount + " sections, " + length + " bytes";
    }
}
