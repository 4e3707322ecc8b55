// Fixed sizes of a sandbox's writable places, shared by the driver and the configuration check.

/** Size of /tmp in a sandbox (editors' swap files, students' scratch files). */
export const tmpBytes = 128 * 1024 * 1024;

/** Memory a sandbox keeps for its processes beyond its full tmpfs mounts. */
export const processHeadroomBytes = 256 * 1024 * 1024;
