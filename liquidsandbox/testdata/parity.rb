#!/usr/bin/env ruby
# Renders merchant message templates with Shopify's Liquid (Debian
# ruby-liquid 5.4), for liquidsandbox/parity_test.go. Ruby starts once for the
# whole batch: it reads a JSON array of {"name", "template", "vars"} on
# stdin and writes a JSON array of {"name", "output", "errors"} on stdout.
# Strict as Shopify's own checks are: strict parsing, strict variables,
# strict filters. A template that fails to parse or render has errors.
require 'json'
begin
  require 'liquid'
rescue LoadError => e
  warn "ruby-liquid is missing (#{e.message}): install it with scripts/install-deps.sh"
  exit 3
end

# Shopify's {% layout none %}, which starts every format=liquid answer of
# the app proxy: it chooses no layout and renders nothing. (The server's
# tests render proxy answers with this script too.)
class ShopifyLayoutTag < Liquid::Tag
  def render_to_output_buffer(_context, output) = output
end
Liquid::Template.register_tag('layout', ShopifyLayoutTag)

cases = JSON.parse($stdin.read)
results = cases.map do |c|
  begin
    template = Liquid::Template.parse(c['template'], error_mode: :strict, line_numbers: true)
    output = template.render(c['vars'], strict_variables: true, strict_filters: true)
    { 'name' => c['name'], 'output' => output, 'errors' => template.errors.map(&:message) }
  rescue Liquid::Error, StandardError => e
    { 'name' => c['name'], 'output' => nil, 'errors' => ["#{e.class}: #{e.message}"] }
  end
end
$stdout.write(JSON.generate(results))
