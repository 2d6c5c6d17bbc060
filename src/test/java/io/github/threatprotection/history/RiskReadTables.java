package io.github.threatprotection.history;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.InputStream;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The two tables the risk reads use, with the columns of {@code threat-protection-changelog.xml} that they read,
 * for tests and benchmarks on a bare database (H2 or PostgreSQL).
 */
final class RiskReadTables {

    private RiskReadTables() {
    }

    /** Creates both tables afresh, without indexes. */
    static void create(Statement ddl) throws SQLException {
        ddl.execute("DROP TABLE IF EXISTS TP_RISK_EVENT");
        ddl.execute("DROP TABLE IF EXISTS TP_FAILED_SIGN_IN");
        ddl.execute("CREATE TABLE TP_RISK_EVENT (ID VARCHAR(36) PRIMARY KEY, REALM_ID VARCHAR(36) NOT NULL,"
                + " USER_ID VARCHAR(255), EVENT_TYPE VARCHAR(20) NOT NULL, EVENT_TIME BIGINT NOT NULL,"
                + " RESPONSE VARCHAR(10) NOT NULL, IP_ADDRESS VARCHAR(64), NETWORK VARCHAR(64),"
                + " COUNTRY VARCHAR(64), ASN BIGINT, LATITUDE DOUBLE PRECISION, LONGITUDE DOUBLE PRECISION,"
                + " ACCURACY_KM INT, DEVICE_ID VARCHAR(64), FEEDBACK_VALUE VARCHAR(10))");
        ddl.execute("CREATE TABLE TP_FAILED_SIGN_IN (ID VARCHAR(36) PRIMARY KEY, REALM_ID VARCHAR(36) NOT NULL,"
                + " USER_KEY VARCHAR(255) NOT NULL, NETWORK VARCHAR(64), FAILED_AT BIGINT NOT NULL, ADDRESS VARCHAR(64))");
    }

    /** CREATE INDEX statements for the table's indexes that the changelog creates and does not drop again. */
    static List<String> changelogIndexes(String table) throws Exception {
        Map<String, String> indexes = new LinkedHashMap<>();
        try (InputStream changelog = RecentActivityStore.class
                .getResourceAsStream("/META-INF/threat-protection-changelog.xml")) {
            Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(changelog);
            NodeList changes = document.getElementsByTagName("*");
            for (int i = 0; i < changes.getLength(); i++) {
                Element change = (Element) changes.item(i);
                if (!table.equals(change.getAttribute("tableName"))) {
                    continue;
                }
                String name = change.getAttribute("indexName");
                if (change.getTagName().equals("dropIndex")) {
                    indexes.remove(name);
                } else if (change.getTagName().equals("createIndex")) {
                    List<String> columns = new ArrayList<>();
                    NodeList children = change.getElementsByTagName("column");
                    for (int c = 0; c < children.getLength(); c++) {
                        columns.add(((Element) children.item(c)).getAttribute("name"));
                    }
                    indexes.put(name, "CREATE INDEX " + name + " ON " + table + " ("
                            + String.join(", ", columns) + ")");
                }
            }
        }
        assertFalse(indexes.isEmpty(), "indexes of " + table + " in the changelog");
        return List.copyOf(indexes.values());
    }
}
