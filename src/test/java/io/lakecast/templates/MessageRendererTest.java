package io.lakecast.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakecast.LakecastException;
import io.lakecast.dispatch.Personalizer;
import io.lakecast.model.PinpointJson;
import io.lakecast.model.TemplateShapes.TemplateType;
import java.util.HashMap;
import org.junit.jupiter.api.Test;

/**
 * Message variables, rendered per endpoint with Pinpoint's Handlebars syntax: paths over the endpoint record, index
 * syntax, helpers, HTML escaping of HtmlBody only, template defaults, and a message that cannot be rendered.
 */
class MessageRendererTest {
  /** An endpoint record as the event stream carries it (what the dispatcher hands the renderer). */
  static final String ENDPOINT = """
      {"Address":"ana@example.com","Attributes":{"Plan":["gold"],"Interests":["ski","jazz"]},
       "ChannelType":"EMAIL","Demographic":{"Timezone":"Europe/Lisbon","Locale":"pt_PT"},"Id":"e1",
       "Location":{"City":"Lisbon","Country":"PT"},"Metrics":{"visits":3.0,"score":4.5},
       "User":{"UserId":"u1","UserAttributes":{"FirstName":["Ana <3"]}}}""";

  static String render(String message, HashMap<String, String> defaults) {
    HashMap<String, HashMap<String, String>> byKey = new HashMap<>();
    byKey.put(MessageRenderer.key("0", "EMAIL"), defaults);
    return new MessageRenderer(byKey).personalize("0", "EMAIL", message, ENDPOINT);
  }

  static String render(String message) {
    return render(message, new HashMap<>());
  }

  @Test
  void variablesReadTheEndpointRecordWithPinpointsPaths() {
    assertThat(render("{\"Body\":\"Hi {{User.UserAttributes.FirstName}} ({{Id}}, {{Address}}) in "
        + "{{Location.City}}/{{Demographic.Locale}}: {{Attributes.Plan}} plan, {{Metrics.visits}} visits, "
        + "score {{Metrics.score}}\"}"))
        .isEqualTo("{\"Body\":\"Hi Ana <3 (e1, ana@example.com) in Lisbon/pt_PT: gold plan, 3 visits, score 4.5\"}");
  }

  @Test
  void severalValuesJoinWithCommasAndIndexSyntaxPicksOne() {
    assertThat(render("{\"Body\":\"{{Attributes.Interests}} / {{Attributes.Interests.[1]}} / "
        + "{{#each Attributes.Interests}}[{{this}}]{{/each}}\"}"))
        .isEqualTo("{\"Body\":\"ski,jazz / jazz / [ski][jazz]\"}");
  }

  @Test
  void conditionalAndStringHelpersWork() {
    assertThat(render("{\"Body\":\"{{#if Attributes.Missing}}yes{{else}}no{{/if}} "
        + "{{#eq Location.Country 'PT'}}olá{{else}}hello{{/eq}} {{upper Location.City}}\"}"))
        .isEqualTo("{\"Body\":\"no olá LISBON\"}");
  }

  @Test
  void onlyHtmlBodyIsHtmlEscapedAndTripleStashIsNot() {
    assertThat(render("{\"Title\":\"For {{User.UserAttributes.FirstName}}\","
        + "\"HtmlBody\":\"<p>{{User.UserAttributes.FirstName}}</p><p>{{{User.UserAttributes.FirstName}}}</p>\","
        + "\"Body\":\"{{User.UserAttributes.FirstName}}\"}"))
        .isEqualTo("{\"Title\":\"For Ana <3\",\"HtmlBody\":\"<p>Ana &lt;3</p><p>Ana <3</p>\",\"Body\":\"Ana <3\"}");
  }

  @Test
  void aVariableWithoutValueTakesTheTemplatesDefault() {
    HashMap<String, String> defaults = new HashMap<>();
    defaults.put("User.UserAttributes.Nickname", "friend");
    assertThat(render("{\"Body\":\"Hi {{User.UserAttributes.Nickname}}\"}", defaults))
        .isEqualTo("{\"Body\":\"Hi friend\"}");
  }

  @Test
  void aVariableWithNeitherValueNorDefaultFailsThatMessage() {
    assertThatThrownBy(() -> render("{\"Body\":\"Hi {{User.UserAttributes.Nickname}}\"}"))
        .isInstanceOf(Personalizer.RenderingFailure.class)
        .hasMessageContaining("no value and no default for {{User.UserAttributes.Nickname}}");
  }

  @Test
  void aMessageWithoutVariablesIsReturnedAsItIs() {
    String message = "{\"Body\":\"Plain & simple\",\"Title\":\"t\"}";
    assertThat(render(message)).isSameAs(message);
  }

  @Test
  void aTemplateThatDoesNotCompileIsRefusedByMember() {
    assertThatThrownBy(() -> MessageRenderer.check(TemplateType.EMAIL,
        PinpointJson.mapper().createObjectNode().put("Subject", "ok").put("HtmlPart", "<p>{{#if x}}open</p>")))
        .isInstanceOf(LakecastException.class)
        .hasMessageStartingWith("Invalid HtmlPart in EmailTemplateRequest: not a valid template: ");
  }

  @Test
  void defaultSubstitutionsMustBeAJsonObjectOfStrings() {
    assertThatThrownBy(() -> MessageRenderer.check(TemplateType.SMS,
        PinpointJson.mapper().createObjectNode().put("Body", "b").put("DefaultSubstitutions", "[1]")))
        .isInstanceOf(LakecastException.class)
        .hasMessageStartingWith("Invalid DefaultSubstitutions in SMSTemplateRequest: expected a JSON object of "
            + "variable names to default values");
  }
}
