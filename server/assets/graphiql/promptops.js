// The PromptOps GraphiQL page: queries and mutations POST to /graphql, subscriptions go
// through /graphql/ws (graphql-transport-ws) with the header editor's headers as the
// connection_init payload, where the server reads `Authorization`.
(function () {
  "use strict";
  var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
  var fetcher = GraphiQL.createFetcher({
    url: "/graphql",
    subscriptionUrl: scheme + window.location.host + "/graphql/ws",
  });
  var defaultHeaders = JSON.stringify({ Authorization: "Bearer <token>" }, null, 2);
  var defaultQuery =
    "# Sign up or log in (mutation { login(…) { accessToken } }), put the access token\n" +
    "# in the Authorization header below, then:\n" +
    "query {\n  me {\n    email\n    memberships {\n      role\n      organization { id name }\n    }\n  }\n}\n";
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultHeaders: defaultHeaders,
      defaultQuery: defaultQuery,
      defaultEditorToolsVisibility: "headers",
    })
  );
})();
