package io.github.threatprotection.geo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;

/**
 * Writes MaxMind DB files (format 2.0) so that tests bring their own data: an IPv6 search tree with 24-bit
 * records, IPv4 networks placed under {@code ::/96} where readers look for them (or an IPv4-only tree), and a
 * data section holding one value per added network.
 *
 * <p>Java values map to MaxMind DB types as follows: String to UTF-8 string, Double to double, {@link UInt16}
 * to uint16, Integer to uint32, Long to uint64, Boolean to boolean, Map to map and List to array.
 */
public final class MaxMindDbWriter {

    /** A value to be stored as uint16, the type readers expect for some fields such as accuracy_radius. */
    record UInt16(int value) {
    }

    private static final int RECORD_BITS = 24;
    private static final int TYPE_STRING = 2;
    private static final int TYPE_DOUBLE = 3;
    private static final int TYPE_UINT16 = 5;
    private static final int TYPE_UINT32 = 6;
    private static final int TYPE_MAP = 7;
    private static final int TYPE_UINT64 = 9;
    private static final int TYPE_ARRAY = 11;
    private static final int TYPE_BOOLEAN = 14;
    private static final byte[] METADATA_MARKER = "\u00AB\u00CD\u00EFMaxMind.com".getBytes(StandardCharsets.ISO_8859_1);

    /** A search tree node; each side holds null (no data), a {@code Node} or the index of a value. */
    private static final class Node {
        final Object[] children = new Object[2];
    }

    private final String databaseType;
    private final Node root = new Node();
    private final List<Object> values = new ArrayList<>();
    private int ipVersion = 6;

    MaxMindDbWriter(String databaseType) {
        this.databaseType = databaseType;
    }

    public static MaxMindDbWriter city() {
        return new MaxMindDbWriter("GeoLite2-City");
    }

    public static MaxMindDbWriter asn() {
        return new MaxMindDbWriter("GeoLite2-ASN");
    }

    public static MaxMindDbWriter anonymousIp() {
        return new MaxMindDbWriter("GeoIP2-Anonymous-IP");
    }

    public static UInt16 uint16(int value) {
        return new UInt16(value);
    }

    public MaxMindDbWriter addCity(String cidr, String countryIso, String countryName, String city, double latitude,
            double longitude, int accuracyKm) {
        return add(cidr, Map.of(
                "city", Map.of("names", Map.of("en", city)),
                "country", Map.of("iso_code", countryIso, "names", Map.of("en", countryName)),
                "location", Map.of("latitude", latitude, "longitude", longitude,
                        "accuracy_radius", uint16(accuracyKm))));
    }

    public MaxMindDbWriter addAsn(String cidr, int asn, String organization) {
        return add(cidr, Map.of("autonomous_system_number", asn, "autonomous_system_organization", organization));
    }

    public MaxMindDbWriter addAnonymous(String cidr, boolean anonymous, boolean torExitNode) {
        return add(cidr, Map.of("is_anonymous", anonymous, "is_tor_exit_node", torExitNode));
    }

    /** Makes the file an IPv4-only database (ip_version 4), as some older or smaller databases are. */
    public MaxMindDbWriter ipv4Only() {
        if (!values.isEmpty()) {
            throw new IllegalStateException("choose the IP version before adding networks");
        }
        ipVersion = 4;
        return this;
    }

    /** Adds a network; networks that overlap one added before are rejected. */
    public MaxMindDbWriter add(String cidr, Object value) {
        IPAddress network = new IPAddressString(cidr).getAddress();
        if (network == null || network.getNetworkPrefixLength() == null) {
            throw new IllegalArgumentException(cidr + " is not a CIDR block");
        }
        byte[] bytes = network.getLower().getBytes();
        byte[] key = new byte[ipVersion == 4 ? 4 : 16];
        if (bytes.length > key.length) {
            throw new IllegalArgumentException(cidr + " does not fit an IPv4-only database");
        }
        // In an IPv6 tree, IPv4 addresses are the last 32 bits of a key whose first 96 bits are zero
        System.arraycopy(bytes, 0, key, key.length - bytes.length, bytes.length);
        int prefix = (key.length - bytes.length) * 8 + network.getNetworkPrefixLength();
        if (prefix == 0) {
            throw new IllegalArgumentException("the whole address space cannot be one record");
        }
        Node node = root;
        for (int depth = 0; depth < prefix; depth++) {
            int side = (key[depth / 8] >> (7 - depth % 8)) & 1;
            Object child = node.children[side];
            if (depth == prefix - 1) {
                if (child != null) {
                    throw new IllegalArgumentException(cidr + " overlaps a network added before");
                }
                node.children[side] = values.size();
                values.add(value);
            } else if (child == null) {
                Node next = new Node();
                node.children[side] = next;
                node = next;
            } else if (child instanceof Node next) {
                node = next;
            } else {
                throw new IllegalArgumentException(cidr + " lies inside a network added before");
            }
        }
        return this;
    }

    public void write(Path file) throws IOException {
        Files.write(file, toBytes());
    }

    byte[] toBytes() {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        List<Integer> valueOffsets = new ArrayList<>();
        for (Object value : values) {
            valueOffsets.add(data.size());
            encode(value, data);
        }
        Map<Node, Integer> numbers = numberNodes();
        int nodeCount = numbers.size();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Node node : numbers.keySet()) {
            for (Object child : node.children) {
                long record;
                if (child == null) {
                    record = nodeCount;
                } else if (child instanceof Node next) {
                    record = numbers.get(next);
                } else {
                    // Data records point past the node count and the 16-byte separator into the data section
                    record = nodeCount + 16L + valueOffsets.get((Integer) child);
                }
                if (record >= 1L << RECORD_BITS) {
                    throw new IllegalStateException("too much data for " + RECORD_BITS + "-bit records");
                }
                writeUnsigned(record, 3, out);
            }
        }
        out.writeBytes(new byte[16]);
        out.writeBytes(data.toByteArray());
        out.writeBytes(METADATA_MARKER);
        encode(metadata(nodeCount), out);
        return out.toByteArray();
    }

    /** Each node with its number, in breadth-first order so that the root is node 0. */
    private Map<Node, Integer> numberNodes() {
        Map<Node, Integer> numbers = new LinkedHashMap<>();
        Queue<Node> queue = new ArrayDeque<>(List.of(root));
        while (!queue.isEmpty()) {
            Node node = queue.remove();
            numbers.put(node, numbers.size());
            for (Object child : node.children) {
                if (child instanceof Node next) {
                    queue.add(next);
                }
            }
        }
        return numbers;
    }

    private Map<String, Object> metadata(int nodeCount) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("binary_format_major_version", uint16(2));
        metadata.put("binary_format_minor_version", uint16(0));
        metadata.put("build_epoch", System.currentTimeMillis() / 1000);
        metadata.put("database_type", databaseType);
        metadata.put("description", Map.of("en", "Test data for " + databaseType));
        metadata.put("ip_version", uint16(ipVersion));
        metadata.put("languages", List.of("en"));
        metadata.put("node_count", nodeCount);
        metadata.put("record_size", uint16(RECORD_BITS));
        return metadata;
    }

    private static void encode(Object value, ByteArrayOutputStream out) {
        if (value instanceof String text) {
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            writeControl(TYPE_STRING, utf8.length, out);
            out.writeBytes(utf8);
        } else if (value instanceof Double number) {
            writeControl(TYPE_DOUBLE, 8, out);
            writeUnsigned(Double.doubleToLongBits(number), 8, out);
        } else if (value instanceof UInt16 number) {
            writeMinimalUnsigned(TYPE_UINT16, number.value(), 0xFFFF, out);
        } else if (value instanceof Integer number) {
            writeMinimalUnsigned(TYPE_UINT32, number, 0xFFFF_FFFFL, out);
        } else if (value instanceof Long number) {
            writeMinimalUnsigned(TYPE_UINT64, number, Long.MAX_VALUE, out);
        } else if (value instanceof Boolean flag) {
            writeControl(TYPE_BOOLEAN, flag ? 1 : 0, out);
        } else if (value instanceof Map<?, ?> map) {
            writeControl(TYPE_MAP, map.size(), out);
            map.forEach((key, entry) -> {
                encode((String) key, out);
                encode(entry, out);
            });
        } else if (value instanceof List<?> list) {
            writeControl(TYPE_ARRAY, list.size(), out);
            list.forEach(element -> encode(element, out));
        } else {
            throw new IllegalArgumentException("no MaxMind DB type for " + value);
        }
    }

    /** Unsigned integers are stored in as few big-endian bytes as they need; zero takes none. */
    private static void writeMinimalUnsigned(int type, long value, long max, ByteArrayOutputStream out) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException(value + " does not fit type " + type);
        }
        int length = (64 - Long.numberOfLeadingZeros(value) + 7) / 8;
        writeControl(type, length, out);
        writeUnsigned(value, length, out);
    }

    /**
     * The control byte holds the type in its top three bits (0 for extended types, whose number less 7 follows
     * in the next byte) and the size in its low five bits, with sizes from 29 up spilling into extra bytes.
     */
    private static void writeControl(int type, int size, ByteArrayOutputStream out) {
        int typeBits = type <= 7 ? type << 5 : 0;
        int sizeBits;
        int extraBytes;
        long extra;
        if (size < 29) {
            sizeBits = size;
            extraBytes = 0;
            extra = 0;
        } else if (size < 29 + 256) {
            sizeBits = 29;
            extraBytes = 1;
            extra = size - 29;
        } else if (size < 285 + 65_536) {
            sizeBits = 30;
            extraBytes = 2;
            extra = size - 285;
        } else {
            sizeBits = 31;
            extraBytes = 3;
            extra = size - 65_821;
        }
        out.write(typeBits | sizeBits);
        if (type > 7) {
            out.write(type - 7);
        }
        writeUnsigned(extra, extraBytes, out);
    }

    private static void writeUnsigned(long value, int length, ByteArrayOutputStream out) {
        for (int i = length - 1; i >= 0; i--) {
            out.write((int) (value >>> (8 * i)));
        }
    }
}
