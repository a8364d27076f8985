package nixdeploy.deployer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeSelectorTest {
    @Test
    void aTagSelectsTheNodesThatCarryIt() throws Exception {
        NodeSelector web = NodeSelector.parse("@web");

        assertThat(web.matches("web1", List.of("web", "eu"))).isTrue();
        assertThat(web.matches("db1", List.of("db"))).isFalse();
        assertThat(web.matches("web", List.of())).as("a tag is not a node name").isFalse();
    }

    @Test
    void aGlobMatchesWholeNodeNames() throws Exception {
        NodeSelector glob = NodeSelector.parse("web-*,db?");

        assertThat(glob.matches("web-eu-1", List.of())).isTrue();
        assertThat(glob.matches("db1", List.of())).isTrue();
        assertThat(glob.matches("db12", List.of())).isFalse();
        assertThat(glob.matches("old-web-1", List.of())).isFalse();
    }

    @Test
    void tagsAndNamesCombineAsAlternatives() throws Exception {
        NodeSelector both = NodeSelector.parse("@db, cache");

        assertThat(both.matches("cache", List.of())).isTrue();
        assertThat(both.matches("pg", List.of("db"))).isTrue();
        assertThat(both.matches("web", List.of("web"))).isFalse();
    }

    @Test
    void dotsInNamesAreLiteral() throws Exception {
        assertThat(NodeSelector.parse("a.b").matches("axb", List.of())).isFalse();
    }

    @Test
    void emptyOrHostileSelectorsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> NodeSelector.parse("@web,")).hasMessageContaining("empty selector");
        assertThatThrownBy(() -> NodeSelector.parse("@")).hasMessageContaining("tag name ''");
        assertThatThrownBy(() -> NodeSelector.parse("web;rm -rf")).hasMessageContaining("is not allowed");
        assertThatThrownBy(() -> NodeSelector.parse("@we\u001b[2Jb")).hasMessageContaining("we?[2Jb");
    }

    @Test
    void aSelectionOfNothingListsTheNodesAndTags() throws Exception {
        ConfigException e = NodeSelector.parse("@api").matchedNothing(
                Map.of("web1", List.of("web"), "db1", List.of("db", "eu")));

        assertThat(e.getMessage()).contains("matches no node").contains("db1, web1").contains("@db, @eu, @web");
    }
}
